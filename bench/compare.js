// Joins the JSON lines of two benchmark runs into a side-by-side Markdown table.
// Usage: node compare.js OURS.jsonl PEER.jsonl
'use strict';
const fs = require('fs');
const load = (f) => fs.readFileSync(f, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
const ours = load(process.argv[2]);
const peer = load(process.argv[3]);
const fmt = (n) => Math.round(n).toLocaleString('en-GB');
const unit = ours[0].op === 'fhirpath_eval' ? 'evaluations/s' : ours[0].op.startsWith('hl7v2') || ours[0].op === 'mllp_ingest' ? 'messages/s (MB/s)' : 'resources/s (MB/s)';
const cell = (x) => (x.mb_per_s ? `${fmt(x.resources_per_s)} (${x.mb_per_s.toFixed(1)})` : fmt(x.resources_per_s));
console.log(`| operation | ${ours[0].impl} ${unit} | ${peer[0].impl} ${unit} | ratio |`);
console.log('| --- | ---: | ---: | ---: |');
for (const o of ours) {
  const p = peer.find((x) => x.op === o.op);
  if (!p) continue;
  const ratio = (o.resources_per_s / p.resources_per_s).toFixed(1);
  console.log(`| ${o.op} | ${cell(o)} | ${cell(p)} | ${ratio}x |`);
}
const notes = [];
for (const x of ours.concat(peer)) {
  for (const f of x.failed || []) notes.push(`${x.impl} ${x.op} failed on ${f} (left out of its timing)`);
  if (x.invalid_files && x.invalid_files.length) notes.push(`${x.impl} ${x.op} judged invalid: ${x.invalid_files.join(', ')}`);
}
if (notes.length) console.log('\n' + notes.map((n) => `- ${n}`).join('\n'));
