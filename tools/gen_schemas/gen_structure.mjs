// StructureDefinitions -> schemas/r4/structure.json (format: docs/SCHEMA_FORMAT.md).
const FHIR_TYPE_EXT = 'http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type';
const REGEX_EXT = 'http://hl7.org/fhir/StructureDefinition/regex';
const SD_PREFIX = 'http://hl7.org/fhir/StructureDefinition/';

const stripVersion = (url) => url.split('|')[0];
const shortProfile = (url) => (url.startsWith(SD_PREFIX) ? url.slice(SD_PREFIX.length) : url);

// System types (http://hl7.org/fhirpath/System.String) carry the FHIR type in an extension,
// except on a primitive's own `value`, which keeps the system type.
function typeCode(type, isPrimitiveValue) {
  if (!isPrimitiveValue) {
    const ext = (type.extension || []).find((e) => e.url === FHIR_TYPE_EXT);
    if (ext) return ext.valueUrl ?? ext.valueUri ?? ext.valueString ?? type.code;
  }
  return type.code;
}

function element(el, typeName, kind) {
  const isPrimitiveValue = kind === 'primitive-type' && el.path === `${typeName}.value`;
  const out = { path: el.path, min: el.min ?? 0, max: el.max ?? '1' };
  if (el.contentReference) {
    out.contentReference = el.contentReference.replace(/^#/, '');
  } else if (el.type && el.type.length) {
    out.types = el.type.map((t) => {
      const ref = { code: typeCode(t, isPrimitiveValue) };
      // R4's snapshots type Resource.id as a plain string, but the Resource page defines it as
      // `id` (1-64 of [A-Za-z0-9-.]), which is what validators enforce.
      if (kind === 'resource' && el.path === `${typeName}.id`) ref.code = 'id';
      const targets = t.targetProfile || t.profile;
      if (targets && (t.code === 'Reference' || t.code === 'canonical' || t.code === 'CodeableReference'))
        ref.targetProfiles = targets.map(shortProfile);
      return ref;
    });
  }
  if (el.binding && el.binding.valueSet)
    out.binding = { strength: el.binding.strength, valueSet: stripVersion(el.binding.valueSet) };
  if ((el.representation || []).includes('xmlAttr')) out.xmlAttr = true;
  if (el.isSummary) out.summary = true;
  if (el.isModifier) out.modifier = true;
  if (el.constraint && el.constraint.length)
    out.constraints = el.constraint.map((c) => {
      const con = { key: c.key, severity: c.severity, human: c.human };
      if (c.expression) con.expression = c.expression;
      if (c.xpath) con.xpath = c.xpath;
      return con;
    });
  return out;
}

function primitiveRegex(sd) {
  const valueEl = sd.snapshot.element.find((e) => e.path === `${sd.type}.value`);
  for (const t of valueEl?.type || []) {
    const ext = (t.extension || []).find((e) => e.url === REGEX_EXT);
    if (ext) return ext.valueString;
  }
  return undefined;
}

export function buildStructure(bundles) {
  const types = [];
  for (const bundle of bundles) {
    for (const { resource: sd } of bundle.entry) {
      if (sd.resourceType !== 'StructureDefinition') continue;
      if (!['primitive-type', 'complex-type', 'resource'].includes(sd.kind)) continue;
      if (sd.derivation && sd.derivation !== 'specialization') continue;  // base types only, no profiles
      // The package also carries a few definitions of later versions (SubscriptionStatus is
      // R4B's, 4.3.0): R4 is 4.0.1 only.
      if (sd.fhirVersion && sd.fhirVersion !== '4.0.1') continue;
      const t = { name: sd.type, kind: sd.kind, abstract: !!sd.abstract };
      if (sd.baseDefinition) t.base = shortProfile(sd.baseDefinition);
      if (sd.kind === 'primitive-type') {
        const rx = primitiveRegex(sd);
        if (rx) t.regex = rx;
      }
      // Invariants of the type itself (obs-6, dom-2, qty-3...) sit on the root element.
      const root = element(sd.snapshot.element[0], sd.type, sd.kind);
      if (root.constraints) t.constraints = root.constraints;
      t.elements = sd.snapshot.element.slice(1).map((el) => element(el, sd.type, sd.kind));
      types.push(t);
    }
  }
  return types;
}

// One type per line: readable diffs when the definitions change.
export function serializeStructure(types, source) {
  const head = JSON.stringify({ fhirVersion: '4.0.1', source });
  return head.slice(0, -1) + ',"types":[\n' + types.map((t) => JSON.stringify(t)).join(',\n') + '\n]}\n';
}
