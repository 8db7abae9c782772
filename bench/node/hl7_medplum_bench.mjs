// @medplum/core 5.2.13 Hl7Message.parse on the same corpus as bench_hl7v2 (parse only: the peer
// has no v2 -> FHIR conversion): the folder read recursively, batch files split into their
// messages, then the same per message type. Usage: node hl7_medplum_bench.mjs CORPUS_DIR [SECONDS [SECONDS_PER_TYPE]]
import fs from 'node:fs';
import path from 'node:path';
// @medplum/core expects a global WebSocket at load (Node.js 22 has one, 20 does not); the
// parser never uses it, so a placeholder is enough.
globalThis.WebSocket ??= class {};
const { Hl7Message } = await import('@medplum/core');

const [dir, secs, typeSecs] = process.argv.slice(2);
const seconds = Number(secs || 2);
const perType = Number(typeSecs ?? 0.3);
const files = fs.readdirSync(dir, { recursive: true })
  .filter((f) => f.endsWith('.hl7') && !f.includes('malformed') && !f.includes('bad_nhs')).sort();
// Split as bench_hl7v2 does (hl7v2/batch.hpp): drop a byte-order mark, blank lines and the
// FHS/BHS/BTS/FTS envelope, start a message at each MSH; segments end with \r for the parser.
const msgs = [];
for (const f of files) {
  const lines = fs.readFileSync(path.join(dir, f), 'utf8').replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  let cur = null;
  for (const l of lines) {
    if (l.trim() === '' || /^(FHS|BHS|BTS|FTS)\|?/.test(l)) continue;
    if (l.startsWith('MSH')) { if (cur) msgs.push(cur.join('\r')); cur = []; }
    if (cur) cur.push(l);
  }
  if (cur) msgs.push(cur.join('\r'));
}
const typeOf = (m) => m.split('\r')[0].split('|')[8].split('^').slice(0, 2).join('^');
const impl = '@medplum/core 5.2.13 (Hl7Message.parse)';
function measure(op, list) {
  let bytes = 0;
  for (const m of list) bytes += Buffer.byteLength(m);
  let sink = 0;
  for (const m of list) sink += Hl7Message.parse(m).segments.length;
  // Process CPU time (user + system, all threads: the garbage collector's too), as bench_hl7v2.
  const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
  let passes = 0;
  const start = cpu();
  let elapsed = 0;
  const limit = op.includes(' ') ? perType : seconds;
  do {
    for (const m of list) sink += Hl7Message.parse(m).segments.length;
    passes++;
    elapsed = cpu() - start;
  } while (elapsed < limit);
  const row = { impl, op, resources_per_s: +(passes * list.length / elapsed).toFixed(1), mb_per_s: +(passes * bytes / elapsed / 1e6).toFixed(2),
    files: list.length, passes };
  return { row, sink };
}
// The same parse figure is compared with hidewire's whole conversion and with its parse alone.
const { row } = measure('hl7v2_to_fhir', msgs);
console.log(JSON.stringify(row));
console.log(JSON.stringify({ ...row, op: 'hl7v2_parse' }));
if (perType > 0) {
  const types = [...new Set(msgs.map(typeOf))].sort();
  for (const t of types) console.log(JSON.stringify(measure(`hl7v2_to_fhir ${t}`, msgs.filter((m) => typeOf(m) === t)).row));
}
