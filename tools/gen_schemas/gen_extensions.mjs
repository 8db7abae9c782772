// The extensions R4 itself defines (extension-definitions.json), reduced to what hidewire's
// profile compiler reads: the definition's context, and each snapshot element's cardinality,
// types, fixed/pattern values, bindings, slicing and its own invariants. The snapshot is kept as
// the differential: restating what the base Extension says changes nothing, and an R4 snapshot
// is complete. Descriptions, mappings and the base's invariants (ele-1, ext-1) are left out.
const kept = ['id', 'path', 'sliceName', 'min', 'max', 'slicing', 'isModifier'];
const baseKeys = new Set(['ele-1', 'ext-1']);

function element(e) {
  const out = {};
  for (const k of kept) if (e[k] !== undefined) out[k] = e[k];
  for (const [k, v] of Object.entries(e))
    if (/^(fixed|pattern|minValue|maxValue)[A-Z]/.test(k)) out[k] = v;
  if (e.type) out.type = e.type.map(({ code, profile, targetProfile }) => ({ code, profile, targetProfile }));
  if (e.binding?.valueSet) out.binding = { strength: e.binding.strength, valueSet: e.binding.valueSet };
  const own = (e.constraint || []).filter((c) => !baseKeys.has(c.key) && c.expression);
  if (own.length) out.constraint = own.map(({ key, severity, human, expression }) => ({ key, severity, human, expression }));
  return out;
}

// Errata in R4's own definitions: R4 declares structuredefinition-fhir-type for
// ElementDefinition.type.code, but its own snapshots (profiles-types.json, Element.id and every
// primitive's value) carry it on ElementDefinition.type, where later publications moved it.
const widened = {
  'http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type': ['ElementDefinition.type'],
};

function definition(sd) {
  const out = {};
  for (const k of ['resourceType', 'url', 'name', 'version', 'status', 'kind', 'abstract', 'context', 'contextInvariant',
    'type', 'baseDefinition', 'derivation'])
    if (sd[k] !== undefined) out[k] = sd[k];
  for (const expression of widened[sd.url] || []) out.context = [...(out.context || []), { type: 'element', expression }];
  out.differential = { element: sd.snapshot.element.map(element) };
  return out;
}

// A Bundle of the reduced definitions, one entry a line so that diffs stay readable.
export function serializeExtensions(bundle, source) {
  const entries = bundle.entry
    .map((e) => e.resource)
    .filter((r) => r.resourceType === 'StructureDefinition' && r.type === 'Extension' && r.snapshot)
    .sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0))
    .map((sd) => JSON.stringify({ resource: definition(sd) }));
  return `{"resourceType":"Bundle","type":"collection","meta":{"source":${JSON.stringify(source)}},"entry":[\n${entries.join(',\n')}\n]}\n`;
}
