// fhirpath.js 5.2.2 on the shared workload: every expression compiled once (outside the
// timing) with the R4 model, then evaluated on its resource, pass after pass.
// Usage: node fhirpath_js_bench.js EXAMPLES_DIR WORKLOAD_JSON [SECONDS]
'use strict';
const fs = require('fs');
const path = require('path');
const fhirpath = require('fhirpath');
const r4 = require('fhirpath/fhir-context/r4');

const [dir, workloadPath, secs] = process.argv.slice(2);
const seconds = Number(secs || 2);
const pairs = JSON.parse(fs.readFileSync(workloadPath, 'utf8'));
const resources = new Map();
const compiled = new Map();
const jobs = pairs.map((p) => {
  if (!resources.has(p.file)) resources.set(p.file, JSON.parse(fs.readFileSync(path.join(dir, p.file), 'utf8')));
  if (!compiled.has(p.expression)) compiled.set(p.expression, fhirpath.compile(p.expression, r4, { traceFn: () => {} }));
  return { fn: compiled.get(p.expression), resource: resources.get(p.file) };
});
let sink = 0;
for (const j of jobs) sink += j.fn(j.resource).length;
let passes = 0;
const start = process.hrtime.bigint();
let elapsed = 0;
do {
  for (const j of jobs) sink += j.fn(j.resource).length;
  passes++;
  elapsed = Number(process.hrtime.bigint() - start) / 1e9;
} while (elapsed < seconds);
console.log(JSON.stringify({ impl: 'fhirpath.js 5.2.2', op: 'fhirpath_eval', resources_per_s: +(passes * jobs.length / elapsed).toFixed(1),
  mb_per_s: 0, files: jobs.length, passes, expressions: compiled.size }));
