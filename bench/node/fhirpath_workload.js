// Builds the FHIRPath benchmark workload shared by both sides: for every official JSON example,
// the R4 invariants of its resource type (from schemas/r4/structure.json) plus a fixed set of
// routing-style expressions. Pairs that fhirpath.js cannot evaluate are left out for both.
// Usage: node fhirpath_workload.js EXAMPLES_DIR STRUCTURE_JSON > workload.json
'use strict';
const fs = require('fs');
const path = require('path');
const fhirpath = require('fhirpath');
const r4 = require('fhirpath/fhir-context/r4');

const [dir, structurePath] = process.argv.slice(2);
const structure = JSON.parse(fs.readFileSync(structurePath, 'utf8'));
const invariants = new Map();
for (const t of structure.types) {
  const list = [];
  for (let b = t; b; b = structure.types.find((x) => x.name === b.base))
    for (const c of b.constraints || []) if (c.expression && !list.includes(c.expression)) list.push(c.expression);
  invariants.set(t.name, list);
}
const quiet = { traceFn: () => {} };  // dom-3 calls trace(): keep stdout for the data
const routing = [
  "identifier.where(system = 'https://fhir.nhs.uk/Id/nhs-number').value",
  'descendants().count()',
  "name.where(use = 'official').given.first()",
  "meta.lastUpdated > @2010-01-01T00:00:00Z",
  "text.status = 'generated' and id.exists()",
  "(status | code.coding.code).distinct().count() >= 1",
  "extension.where(url.startsWith('http://hl7.org')).exists()",
  "contained.select(id).count() = contained.count()",
];

const pairs = [];
let dropped = 0;
for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
  const resource = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  for (const expression of [...(invariants.get(resource.resourceType) || []), ...routing]) {
    try {
      fhirpath.compile(expression, r4, quiet)(resource);
      pairs.push({ file: f, expression });
    } catch (e) {
      dropped++;
    }
  }
}
process.stderr.write(`workload: ${pairs.length} (file, expression) pairs, ${dropped} left out (fhirpath.js threw)\n`);
process.stdout.write(JSON.stringify(pairs));
