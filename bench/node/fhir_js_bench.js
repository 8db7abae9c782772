// The same operations as bench_convert.cpp, done by the npm package `fhir` (FHIR.js) 4.12.0.
// Usage: node fhir_js_bench.js [DIR] [SECONDS]
'use strict';
const fs = require('fs');
const path = require('path');
const { Fhir } = require('fhir');

const dir = process.argv[2] || path.join(__dirname, '..', '..', 'tests', 'data', 'fhir-r4-examples');
const seconds = Number(process.argv[3] || 2);
const files = fs.readdirSync(dir).sort();
const read = (f) => fs.readFileSync(path.join(dir, f), 'utf8');
const fhir = new Fhir();

const json = files.filter((f) => f.endsWith('.json')).map((f) => ({ name: f, text: read(f) }));
const xmlOfficial = files.filter((f) => f.endsWith('.xml')).map((f) => ({ name: f, text: read(f) }));
const xmlFromJson = json.map((j) => ({ name: j.name.replace(/\.json$/, '.xml (from json)'), text: fhir.jsonToXml(j.text) }));

// Inputs the library throws on are reported and left out of its timing.
function measure(op, inputs, fn) {
  const ok = [];
  const failed = [];
  for (const i of inputs) {
    try { fn(i.text); ok.push(i); } catch (e) { failed.push(`${i.name}: ${String(e.message || e).split('\n')[0]}`); }
  }
  let bytes = 0;
  for (const i of ok) bytes += Buffer.byteLength(i.text);
  let passes = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  do {
    for (const i of ok) fn(i.text);
    passes++;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  } while (elapsed < seconds);
  const out = {
    impl: 'fhir.js 4.12.0', op,
    resources_per_s: +(passes * ok.length / elapsed).toFixed(1),
    mb_per_s: +(passes * bytes / elapsed / 1e6).toFixed(2),
    files: ok.length, passes,
  };
  if (failed.length) out.failed = failed;
  console.log(JSON.stringify(out));
}

measure('json_to_xml', json, (t) => fhir.jsonToXml(t));
measure('xml_to_json', xmlOfficial.concat(xmlFromJson), (t) => fhir.xmlToJson(t));
measure('validate_json', json, (t) => fhir.validate(t));
