#!/usr/bin/env bash
# NHS CDA (NHS 111 Post Event Messages) -> FHIR R4, one core: hidewire's `cda` converter on the
# PEM corpus (tests/data/cda) and on its C-CDA shape, side by side with @medplum/ccda 5.1.10
# (convertXmlToCcda + convertCcdaToFhir) on that same C-CDA shape, run by this machine's
# Node.js. Peer and hidewire run alternately ROUNDS times (the machine is shared); the table
# gives each one's median, in documents and in resources made per second (of one core: the
# peer by the process's CPU time). Usage: bench/run_cda_bench.sh [SECONDS [ROUNDS]]
set -euo pipefail
source "$(dirname "$0")/common.sh"
secs=${1:-3}
rounds=${2:-3}
bench_setup bench_cda
mkdir -p "$out/ccda"
python3 "$root/tests/data/cda/make_corpus.py" --ccda "$out/ccda"
for _ in $(seq "$rounds"); do
  nice node "$root/bench/node/ccda_medplum_bench.mjs" "$out/ccda" "$secs" >>"$out/peer.jsonl" 2>/dev/null
  nice "$build/bench/bench_cda" "$root/tests/data" "$secs" 2>/dev/null | sed 's/"op":"cda_to_r4"/"op":"pem"/' >>"$out/hidewire.jsonl"
  nice "$build/bench/bench_cda" "$root/tests/data" "$secs" "$out/ccda" 2>/dev/null | sed 's/"op":"cda_to_r4"/"op":"ccda"/' >>"$out/hidewire.jsonl"
done
node - "$out/hidewire.jsonl" "$out/peer.jsonl" <<'JS'
const fs = require('fs');
const load = (f) => fs.readFileSync(f, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const ours = load(process.argv[2]), peer = load(process.argv[3]);
const row = (rows) => ({ impl: rows[0].impl, docs: median(rows.map((r) => r.docs_per_s)), res: median(rows.map((r) => r.resources_per_s)),
                         mb: median(rows.map((r) => r.mb_per_s)), n: rows.length });
const p = row(peer);
const fmt = (n) => Math.round(n).toLocaleString('en-GB');
console.log('| implementation, input | documents/s | resources/s | MB/s | documents/s ratio | resources/s ratio |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
console.log(`| ${p.impl}, C-CDA | ${fmt(p.docs)} | ${fmt(p.res)} | ${p.mb.toFixed(1)} | 1.0x | 1.0x |`);
for (const [op, what] of [['ccda', 'the same C-CDA'], ['pem', 'the NHS CDA PEMs']]) {
  const o = row(ours.filter((x) => x.op === op));
  console.log(`| hidewire, ${what} | ${fmt(o.docs)} | ${fmt(o.res)} | ${o.mb.toFixed(1)} | ${(o.docs / p.docs).toFixed(1)}x | ${(o.res / p.res).toFixed(1)}x |`);
}
console.log(`\n(median of ${p.n} alternating rounds)`);
JS
