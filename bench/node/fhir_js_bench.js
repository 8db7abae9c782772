// The same operations as bench_convert.cpp, done by the npm package `fhir` (FHIR.js) 4.12.0.
// Usage: node fhir_js_bench.js [DIR] [SECONDS]
//   DIR      folder of FHIR R4 resources (*.json, *.xml); default ../../tests/data/fhir-r4-examples
//   SECONDS  timed seconds per operation (default 2), after a warm-up of at least 0.5 s
// Prints one JSON line per operation on stdout:
//   {"impl":"fhir.js 4.12.0","op":...,"resources_per_s":...,"mb_per_s":...,"files":...,"passes":...}
// MB/s counts input bytes. Inputs the library throws on are listed under "failed" and left out
// of the timing; validate_* lines also name the inputs it judged invalid ("invalid_files").
'use strict';
const fs = require('fs');
const path = require('path');
const { Fhir } = require('fhir');

const dir = process.argv[2] || path.join(__dirname, '..', '..', 'tests', 'data', 'fhir-r4-examples');
const seconds = Number(process.argv[3] || 2);
const warmupSeconds = Math.min(0.5, seconds);
const files = fs.readdirSync(dir).sort();
const read = (f) => fs.readFileSync(path.join(dir, f), 'utf8');
const fhir = new Fhir();
const version = require('fhir/package.json').version;

const json = files.filter((f) => f.endsWith('.json')).map((f) => ({ name: f, text: read(f) }));
const xmlOfficial = files.filter((f) => f.endsWith('.xml')).map((f) => ({ name: f, text: read(f) }));
const xmlFromJson = json.map((j) => ({ name: j.name.replace(/\.json$/, '.json -> xml'), text: fhir.jsonToXml(j.text) }));
const parsed = json.map((j) => ({ name: j.name, text: j.text, obj: JSON.parse(j.text) }));

const now = () => Number(process.hrtime.bigint()) / 1e9;

// fn(input) is called on each input; what it returns is kept so the work cannot be optimised away.
function measure(op, inputs, fn, judge) {
  const ok = [];
  const failed = [];
  const invalidFiles = [];
  for (const i of inputs) {
    try {
      const r = fn(i);
      ok.push(i);
      if (judge && !judge(r)) invalidFiles.push(i.name);
    } catch (e) {
      failed.push(`${i.name}: ${String((e && e.message) || e).split('\n')[0]}`);
    }
  }
  let bytes = 0;
  for (const i of ok) bytes += Buffer.byteLength(i.text);
  let sink = 0;
  // Warm-up: whole passes until warmupSeconds have gone (the JIT settles), not timed.
  const warmStart = now();
  do {
    for (const i of ok) sink ^= typeof fn(i) === 'string' ? 1 : 2;
  } while (now() - warmStart < warmupSeconds);
  let passes = 0;
  const start = now();
  let elapsed = 0;
  do {
    for (const i of ok) sink ^= typeof fn(i) === 'string' ? 1 : 2;
    passes++;
    elapsed = now() - start;
  } while (elapsed < seconds);
  const out = {
    impl: `fhir.js ${version}`, op,
    resources_per_s: +(passes * ok.length / elapsed).toFixed(1),
    mb_per_s: +(passes * bytes / elapsed / 1e6).toFixed(2),
    files: ok.length, passes,
  };
  if (judge) {
    out.invalid = invalidFiles.length;
    out.invalid_files = invalidFiles;
  }
  if (failed.length) out.failed = failed;
  console.log(JSON.stringify(out));
  return sink;
}

const validOf = (r) => r.valid;

// (a) JSON text in, XML text out: JSON.parse included (jsonToXml parses the text).
measure('json_to_xml', json, (i) => fhir.jsonToXml(i.text));
// (b) XML text in, JSON text out: all XML, then the official XML and the XML made from the JSON
//     examples (by this library) on their own.
measure('xml_to_json', xmlOfficial.concat(xmlFromJson), (i) => fhir.xmlToJson(i.text));
measure('xml_to_json_official', xmlOfficial, (i) => fhir.xmlToJson(i.text));
measure('xml_to_json_from_json', xmlFromJson, (i) => fhir.xmlToJson(i.text));
// (c) validation: of the JSON text (parse included) and of the already parsed objects.
measure('validate_json', parsed, (i) => fhir.validate(i.text), validOf);
measure('validate_parsed', parsed, (i) => fhir.validate(i.obj), validOf);
