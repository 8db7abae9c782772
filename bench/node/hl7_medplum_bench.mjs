// @medplum/core 5.2.13 Hl7Message.parse on the same corpus as bench_hl7v2 (parse only: the peer
// has no v2 -> FHIR conversion). Usage: node hl7_medplum_bench.mjs CORPUS_DIR [SECONDS]
import fs from 'node:fs';
import path from 'node:path';
// @medplum/core expects a global WebSocket at load (Node.js 22 has one, 20 does not); the
// parser never uses it, so a placeholder is enough.
globalThis.WebSocket ??= class {};
const { Hl7Message } = await import('@medplum/core');

const [dir, secs] = process.argv.slice(2);
const seconds = Number(secs || 2);
const msgs = fs.readdirSync(dir).filter((f) => f.endsWith('.hl7') && !f.includes('malformed') && !f.includes('bad_nhs')).sort()
  .map((f) => fs.readFileSync(path.join(dir, f), 'utf8').replace(/\r\n|\n/g, '\r'));
let bytes = 0;
for (const m of msgs) bytes += Buffer.byteLength(m);
let sink = 0;
for (const m of msgs) sink += Hl7Message.parse(m).segments.length;
let passes = 0;
const start = process.hrtime.bigint();
let elapsed = 0;
do {
  for (const m of msgs) sink += Hl7Message.parse(m).segments.length;
  passes++;
  elapsed = Number(process.hrtime.bigint() - start) / 1e9;
} while (elapsed < seconds);
const line = (op) => JSON.stringify({ impl: '@medplum/core 5.2.13 (Hl7Message.parse)', op, resources_per_s: +(passes * msgs.length / elapsed).toFixed(1),
  mb_per_s: +(passes * bytes / elapsed / 1e6).toFixed(2), files: msgs.length, passes });
// The same parse figure is compared with hidewire's whole conversion and with its parse alone.
console.log(line('hl7v2_to_fhir'));
console.log(line('hl7v2_parse'));
