// @medplum/ccda 5.1.10 convertXmlToCcda + convertCcdaToFhir on the C-CDA shape of the NHS 111
// PEM corpus (tests/data/cda/make_corpus.py --ccda DIR): the same content as bench_cda
// converts, counted in the resources of each output Bundle, per CPU second of the process (the
// garbage collector's threads too). Usage: node ccda_medplum_bench.mjs CCDA_DIR [SECONDS]
import fs from 'node:fs';
import path from 'node:path';
// @medplum/core expects a global WebSocket at load (Node.js 22 has one, 20 does not); the
// converter never uses it, so a placeholder is enough.
globalThis.WebSocket ??= class {};
const { convertXmlToCcda, convertCcdaToFhir } = await import('@medplum/ccda');

const [dir, secs] = process.argv.slice(2);
const seconds = Number(secs || 2);
const docs = fs.readdirSync(dir).filter((f) => f.endsWith('.xml')).sort().map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
const convert = (xml) => convertCcdaToFhir(convertXmlToCcda(xml), { ignoreUnsupportedSections: true });
let resources = 0, bytes = 0;
for (const d of docs) {
  resources += convert(d).entry?.length ?? 0;
  bytes += Buffer.byteLength(d);
}
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
let passes = 0, sink = 0, elapsed = 0;
const start = cpu();
do {
  for (const d of docs) sink += convert(d).entry?.length ?? 0;
  ++passes;
  elapsed = cpu() - start;
} while (elapsed < seconds);
console.log(JSON.stringify({ impl: '@medplum/ccda 5.1.10', op: 'cda_to_r4', resources_per_s: +(passes * resources / elapsed).toFixed(1),
  docs_per_s: +(passes * docs.length / elapsed).toFixed(1), mb_per_s: +(passes * bytes / elapsed / 1e6).toFixed(2), files: docs.length, passes }));
console.error(`cda_to_r4 ${(passes * resources / elapsed).toFixed(0)} resources/s, ${(passes * docs.length / elapsed).toFixed(0)} documents/s (${docs.length} documents, ${resources} resources, checksum ${sink % 1000})`);
