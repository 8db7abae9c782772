// ValueSets -> schemas/r4/valuesets.json: each value set expanded to the codes it contains, so
// required bindings can be checked without a terminology server (format: docs/SCHEMA_FORMAT.md).
const stripVersion = (url) => url.split('|')[0];

// Code systems by URL: code -> {display, parent codes, child codes}.
export function indexCodeSystems(bundles) {
  const systems = new Map();
  for (const bundle of bundles) {
    for (const { resource: r } of bundle.entry) {
      if (r.resourceType !== 'CodeSystem' || !r.url) continue;
      const concepts = new Map();
      const walk = (list, parent) => {
        for (const c of list || []) {
          if (!concepts.has(c.code)) concepts.set(c.code, { display: c.display, children: [] });
          if (parent) concepts.get(parent).children.push(c.code);
          walk(c.concept, c.code);
        }
      };
      walk(r.concept, null);
      // `subsumedBy` properties express hierarchy in some v3 systems instead of nesting.
      for (const c of flatten(r.concept)) {
        for (const p of c.property || []) {
          if (p.code === 'subsumedBy' && p.valueCode && concepts.has(p.valueCode))
            concepts.get(p.valueCode).children.push(c.code);
        }
      }
      const complete = (r.content ?? 'complete') === 'complete';
      systems.set(stripVersion(r.url), { concepts, complete, caseSensitive: r.caseSensitive !== false });
    }
  }
  return systems;
}

function flatten(list, out = []) {
  for (const c of list || []) {
    out.push(c);
    flatten(c.concept, out);
  }
  return out;
}

function descendants(cs, code, includeSelf) {
  const out = [];
  const seen = new Set();
  const visit = (c, self) => {
    if (seen.has(c) || !cs.concepts.has(c)) return;
    seen.add(c);
    if (self) out.push(c);
    for (const k of cs.concepts.get(c).children) visit(k, true);
  };
  visit(code, includeSelf);
  return out;
}

// Returns {codes: Map(system|code -> [system, code, display]), complete}.
function expandInclude(inc, systems, expandValueSet) {
  const codes = new Map();
  let complete = true;
  const add = (system, code, display) => codes.set(`${system}|${code}`, [system, code, display ?? '']);
  for (const vsUrl of inc.valueSet || []) {
    const sub = expandValueSet(stripVersion(vsUrl));
    if (!sub) { complete = false; continue; }
    complete &&= sub.complete;
    for (const [k, v] of sub.codes) codes.set(k, v);
  }
  if (!inc.system) return { codes, complete };
  const cs = systems.get(stripVersion(inc.system));
  if (inc.concept) {
    for (const c of inc.concept) add(inc.system, c.code, c.display ?? cs?.concepts.get(c.code)?.display);
  } else if (!cs || !cs.complete) {
    complete = false;  // external or fragmentary system (SNOMED CT, UCUM, BCP-47...): cannot list it
  } else if (inc.filter && inc.filter.length) {
    let selected = null;
    for (const f of inc.filter) {
      let these;
      if (f.property === 'concept' && f.op === 'is-a') these = descendants(cs, f.value, true);
      else if (f.property === 'concept' && f.op === 'descendent-of') these = descendants(cs, f.value, false);
      else if (f.property === 'concept' && f.op === '=') these = cs.concepts.has(f.value) ? [f.value] : [];
      else { complete = false; these = null; }
      if (these) selected = selected ? selected.filter((c) => these.includes(c)) : these;
    }
    for (const c of selected || []) add(inc.system, c, cs.concepts.get(c)?.display);
  } else {
    for (const [code, c] of cs.concepts) add(inc.system, code, c.display);
  }
  return { codes, complete };
}

export function expandValueSets(bundles, systems) {
  const valueSets = new Map();
  for (const bundle of bundles)
    for (const { resource: r } of bundle.entry)
      if (r.resourceType === 'ValueSet' && r.url && !valueSets.has(stripVersion(r.url))) valueSets.set(stripVersion(r.url), r);

  const done = new Map();
  const inProgress = new Set();
  const expand = (url) => {
    if (done.has(url)) return done.get(url);
    const vs = valueSets.get(url);
    if (!vs || inProgress.has(url)) return null;  // unknown, or a cycle
    inProgress.add(url);
    const codes = new Map();
    let complete = true;
    const compose = vs.compose || {};
    if (!compose.include) complete = false;
    for (const inc of compose.include || []) {
      const r = expandInclude(inc, systems, expand);
      complete &&= r.complete;
      for (const [k, v] of r.codes) codes.set(k, v);
    }
    for (const exc of compose.exclude || []) {
      const r = expandInclude(exc, systems, expand);
      for (const k of r.codes.keys()) codes.delete(k);
    }
    inProgress.delete(url);
    const result = { name: vs.name || '', complete, codes };
    done.set(url, result);
    return result;
  };
  for (const url of [...valueSets.keys()].sort()) expand(url);
  return done;
}

export function serializeValueSets(expanded, systems, source) {
  const lines = [];
  for (const url of [...expanded.keys()].sort()) {
    const vs = expanded.get(url);
    lines.push(JSON.stringify(url) + ':' + JSON.stringify({ name: vs.name, complete: vs.complete, codes: [...vs.codes.values()] }));
  }
  const insensitive = {};
  for (const url of [...systems.keys()].sort())
    if (!systems.get(url).caseSensitive) insensitive[url] = { caseSensitive: false };
  return `{"source":${JSON.stringify(source)},"codeSystems":${JSON.stringify(insensitive)},"valueSets":{\n` +
    lines.join(',\n') + '\n}}\n';
}
