// R4's search parameters (search-parameters.json) reduced to what the validator compares
// against: each one's type and base resource types, by canonical url.
export function serializeSearchParameters(bundle, source) {
  const params = bundle.entry
    .map((e) => e.resource)
    .filter((r) => r.resourceType === 'SearchParameter' && r.url)
    .sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0))
    .map((sp) => `${JSON.stringify(sp.url)}:${JSON.stringify({ type: sp.type, base: sp.base || [] })}`);
  return `{"source":${JSON.stringify(source)},"searchParameters":{\n${params.join(',\n')}\n}}\n`;
}
