// A GP system's GP Connect provider (Access Record Structured 1.6, FHIR STU3) for the node tests,
// on Node.js's own https (no package): mutual TLS (a client certificate from --ca required), the
// Spine proxy headers and GP Connect's audit JWT checked as a provider behind the Spine does
// (400 BAD_REQUEST naming what is wrong), records served by NHS number from --record NHS=FILE,
// --dissent NHS answered with the specification's NO_PATIENT_CONSENT example, any other patient
// with its PATIENT_NOT_FOUND. Prints "listening PORT"; each call as one JSON line on stderr.
import fs from 'node:fs';
import https from 'node:https';

const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf('--' + name); return i < 0 ? undefined : args[i + 1]; };
const all = (name) => args.flatMap((a, i) => (a === '--' + name ? [args[i + 1]] : []));
const records = Object.fromEntries(all('record').map((r) => r.split('=')));
const dissent = new Set(all('dissent'));
const examples = opt('examples');
const asid = opt('asid'), consumer = opt('consumer-asid'), tokenKind = opt('token') || 'unsigned';
const interaction = 'urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1';
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function spine(res, status, code, why) {
  res.writeHead(status, { 'Content-Type': 'application/fhir+json;charset=utf-8' });
  res.end(JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid',
    details: { coding: [{ system: 'https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1', code }] }, diagnostics: why }] }));
}
function example(res, status, name) {
  res.writeHead(status, { 'Content-Type': 'application/fhir+json;charset=utf-8' });
  res.end(fs.readFileSync(`${examples}/${name}`));
}
function jwtProblem(auth, port) {
  if (!auth || !auth.startsWith('Bearer ')) return 'no bearer JWT';
  const [h, c, sig] = auth.slice(7).split('.');
  let header, claims;
  try { header = JSON.parse(Buffer.from(h, 'base64url')); claims = JSON.parse(Buffer.from(c, 'base64url')); } catch { return 'not a JWT'; }
  if ((tokenKind === 'unsigned') !== (header.alg === 'none' && !sig)) return `JWT alg ${header.alg} is not ${tokenKind}`;
  for (const k of ['iss', 'sub', 'aud', 'iat', 'exp', 'reason_for_request', 'requested_scope', 'requesting_device', 'requesting_organization', 'requesting_practitioner'])
    if (!(k in claims)) return `JWT claim missing: ${k}`;
  if (claims.aud !== `https://127.0.0.1:${port}/Patient/$gpc.getstructuredrecord`) return 'JWT aud is not this endpoint';
  if (claims.exp - claims.iat > 300) return 'JWT lives more than 5 minutes';
  return '';
}

const server = https.createServer({ key: fs.readFileSync(opt('key')), cert: fs.readFileSync(opt('cert')), ca: fs.readFileSync(opt('ca')),
  requestCert: true, rejectUnauthorized: true }, (req, res) => {
  let body = '';
  req.on('data', (d) => { body += d; });
  req.on('end', () => {
    const h = req.headers, port = server.address().port;
    const why = !req.url.endsWith('/Patient/$gpc.getstructuredrecord') ? 'not $gpc.getstructuredrecord'
      : !uuid.test(h['ssp-traceid'] || '') ? 'Ssp-TraceID is not a UUID'
      : h['ssp-from'] !== consumer ? 'Ssp-From is not the consumer ASID'
      : h['ssp-to'] !== asid ? 'Ssp-To is not this provider ASID'
      : h['ssp-interactionid'] !== interaction ? 'Ssp-InteractionID is not gpc.getstructuredrecord-1'
      : !(h.accept || '').startsWith('application/fhir+json') ? 'Accept is not application/fhir+json'
      : jwtProblem(h.authorization, port);
    let nhs = '';
    try { nhs = JSON.parse(body).parameter.find((p) => p.name === 'patientNHSNumber').valueIdentifier.value; } catch { /* below */ }
    console.error(JSON.stringify({ why, trace: h['ssp-traceid'], from: h['ssp-from'], patient: nhs in records ? 'known' : 'other' }));
    if (why) return spine(res, 400, 'BAD_REQUEST', why);
    if (!/^[0-9]{10}$/.test(nhs)) return example(res, 400, 'error_INVALID_NHS_NUMBER.json');
    if (dissent.has(nhs)) return example(res, 403, 'error_NO_PATIENT_CONSENT.json');
    if (!(nhs in records)) return example(res, 404, 'error_PATIENT_NOT_FOUND.json');
    res.writeHead(200, { 'Content-Type': 'application/fhir+json;charset=utf-8' });
    res.end(fs.readFileSync(records[nhs]));
  });
});
server.listen(Number(opt('port') || 0), '127.0.0.1', () => console.log(`listening ${server.address().port}`));
