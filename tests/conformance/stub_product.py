#!/usr/bin/env python3
"""A deliberately non-conformant product for the conformance suite's own test: an HL7 v2 MLLP
receiver and a FHIR server, and a sender of HL7 v2 and FHIR. What it gets wrong, on purpose:
MSA-2 is not the message's MSH-10; an NHS number failing Modulus 11 is answered AA; every message
is applied again when resent (one Patient per NHS number, but an Encounter per message); a missing resource and an invalid one are
answered without an OperationOutcome; nobody is asked for credentials; it keeps no audit (no access log); the patient's
Consents are taken and ignored (dissent and restrictions not honoured); its clinicians' GP-record query never asks the GP and
says nothing of what is missing; as a GP Connect provider
it serves a record for any NHS number, invalid, unknown or deceased, without Cache-Control; one
message it sends and one of the FHIR files it writes carry no NHS number. What it does right (the suite must pass it): AR for an
unreadable frame, a valid CapabilityStatement, a searchset Bundle, a GP record for a registered
patient, v2 structure, the record given under break-glass, a point-of-care consent and the data opt-out.

As a GP Connect consumer it calls the provider at GPC_URL without Ssp-TraceID, its JWT living an hour.

Usage: stub_product.py MLLP_PORT HTTP_PORT SEND_TO_PORT OUT_FOLDER GPC_URL CERT KEY CA
(ports on 127.0.0.1; 0: choose; CERT/KEY its client certificate, CA the provider's)
Prints "mllp PORT" and "http PORT" once listening."""
import base64
import json
import os
import re
import ssl
import socket
import socketserver
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

VT, FS, CR = b'\x0b', b'\x1c', b'\r'
patients = {}    # by NHS number: merged, as many products do
encounters = []  # one per admission applied, resends included
observations = []  # kept whatever their labels, and shown to anyone
consents = 0       # Consents taken, and ignored
lock = threading.Lock()


def fields(segment):
    return segment.split('|')


def ack(msh, code, control_id):
    f = fields(msh)
    return (f'MSH|^~\\&|STUB|STUB|{f[2] if len(f) > 2 else ""}|{f[3] if len(f) > 3 else ""}|20261204100000||ACK^A01^ACK|STUBACK|P|2.5.1\r'
            f'MSA|{code}|{control_id}\r')


def answer(payload):
    text = payload.decode('utf-8', 'replace')
    segments = [s for s in text.replace('\n', '\r').split('\r') if s]
    if not segments or not segments[0].startswith('MSH|'):
        return 'MSH|^~\\&|STUB|STUB|||20261204100000||ACK^^ACK|STUBACK|P|2.5.1\rMSA|AR|\rERR||||E|||not an HL7 v2 message\r'
    msh = segments[0]
    control_id = fields(msh)[9] if len(fields(msh)) > 9 else ''
    for s in segments:
        if s.startswith('PID|'):
            pid3 = fields(s)[3] if len(fields(s)) > 3 else ''
            nhs = next((r.split('^')[0] for r in pid3.split('~') if '^NHS^' in r), '')
            with lock:  # applied every time, resend or not
                p = patients.setdefault(nhs, {'resourceType': 'Patient', 'id': f'p{len(patients) + 1}',
                                              'identifier': [{'system': 'https://fhir.nhs.uk/Id/nhs-number', 'value': nhs}]})
                encounters.append({'resourceType': 'Encounter', 'id': f'e{len(encounters) + 1}', 'status': 'in-progress',
                                   'class': {'system': 'http://terminology.hl7.org/CodeSystem/v3-ActCode', 'code': 'IMP'},
                                   'subject': {'reference': 'Patient/' + p['id']}})
    return ack(msh, 'AA', 'X' + control_id)  # AA whatever the NHS number; MSA-2 not the MSH-10


class Mllp(socketserver.BaseRequestHandler):
    def handle(self):
        buf = b''
        while True:
            data = self.request.recv(65536)
            if not data:
                return
            buf += data
            while FS + CR in buf:
                frame, buf = buf.split(FS + CR, 1)
                frame = frame[frame.find(VT) + 1:] if VT in frame else frame
                self.request.sendall(VT + answer(frame).encode() + FS + CR)


CAPABILITY = {'resourceType': 'CapabilityStatement', 'status': 'active', 'date': '2026-12-04', 'kind': 'instance',
              'implementation': {'description': 'conformance stub product'}, 'fhirVersion': '4.0.1',
              'format': ['application/fhir+json'], 'rest': [{'mode': 'server'}]}


class Http(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, status, body, content_type='application/fhir+json'):
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # no credentials asked for
        url = urllib.parse.urlparse(self.path)
        if url.path == '/metadata':
            return self.send(200, CAPABILITY)
        if url.path in ('/Observation', '/Condition'):  # every one of the patient's, restricted or not
            wanted = urllib.parse.parse_qs(url.query).get('patient', [''])[0]
            with lock:
                found = [o for o in observations if o.get('subject', {}).get('reference') == wanted and '/' + o['resourceType'] == url.path]
            return self.send(200, {'resourceType': 'Bundle', 'type': 'searchset', 'total': len(found), 'entry': [{'resource': o} for o in found]})
        if url.path == '/Patient/$hidewire-export':  # a national data collection: everyone, opted out or not
            with lock:
                found = list(patients.values())
            return self.send(200, {'resourceType': 'Bundle', 'type': 'collection', 'entry': [{'resource': p} for p in found]})
        if url.path in ('/Patient', '/Encounter'):
            query = urllib.parse.parse_qs(url.query)
            wanted = query.get('identifier', [''])[0].split('|')[-1]
            with lock:
                if url.path == '/Patient':
                    found = [patients[wanted]] if wanted in patients else []
                else:
                    found = [e for e in encounters if e['subject']['reference'] == query.get('patient', [''])[0]]
            bundle = {'resourceType': 'Bundle', 'type': 'searchset', 'total': len(found)}
            if found:
                bundle['entry'] = [{'resource': p} for p in found]
            return self.send(200, bundle)
        self.send(404, 'Not found', 'text/plain')  # no OperationOutcome

    def do_PUT(self):  # a Consent withdrawn: taken, as everything about consent is, and ignored
        body = self.rfile.read(int(self.headers.get('Content-Length', '0')))
        if self.path.startswith('/Consent/'):
            return self.send(200, body.decode())
        self.send(400, 'Bad request', 'text/plain')

    def do_POST(self):
        global consents
        body = self.rfile.read(int(self.headers.get('Content-Length', '0')))
        if self.path == '/Consent':  # the patient's wishes: accepted, never looked at again
            with lock:
                consents += 1
                resource = dict(json.loads(body), id=f'c{consents}')
            return self.send(201, resource)
        if self.path in ('/Observation', '/Condition', '/Patient'):
            resource = json.loads(body)
            if not re.fullmatch(r'(\d{4}-\d{2}-\d{2})?', resource.get('birthDate', '')):
                return self.send(400, 'Bad request', 'text/plain')  # no OperationOutcome
            with lock:
                if self.path == '/Patient':
                    nhs = resource['identifier'][0]['value']
                    resource = patients.setdefault(nhs, dict(resource, id=f'p{len(patients) + 1}'))
                else:
                    resource = dict(resource, id=f'o{len(observations) + 1}')
                    observations.append(resource)
            return self.send(201, resource)
        if self.path == '/Patient/$hidewire-federated-record':
            # The clinician's GP record: never asks the GP, and says nothing of what is missing.
            nhs = json.loads(body)['parameter'][0]['valueIdentifier']['value']
            with lock:
                found = [patients[nhs]] if nhs in patients else []
            return self.send(200, {'resourceType': 'Bundle', 'type': 'collection', 'entry': [{'resource': p} for p in found]})
        if self.path.startswith('/Patient/$gpc.getstructuredrecord'):
            # A GP record for whoever is asked about: no parameter checks, deceased or unknown
            # served alike, and no Cache-Control.
            try:
                params = json.loads(body).get('parameter', [])
            except ValueError:
                params = []
            nhs = next((p.get('valueIdentifier', {}).get('value', '') for p in params if p.get('name') == 'patientNHSNumber'), '')
            patient = {'resourceType': 'Patient', 'identifier': [{'system': 'https://fhir.nhs.uk/Id/nhs-number', 'value': nhs}]}
            return self.send(200, {'resourceType': 'Bundle', 'type': 'collection', 'entry': [{'fullUrl': 'urn:uuid:5f1c2f0e-8d4b-4c1a-9d7e-2b6f3a1c0e11', 'resource': patient}]})
        self.send(400, 'Bad request', 'text/plain')  # no OperationOutcome


def send_messages(port, folder):
    """As a sender: one admission with a valid NHS number, one with none; a FHIR Patient without one."""
    time.sleep(1)
    good = ('MSH|^~\\&|STUB|STUB|SUITE|SUITE|20261204100000||ADT^A01^ADT_A01|STUB0001|P|2.5.1\r'
            'PID|1||9434765919^^^NHS^NH||SMITH^MARGARET||19410302|F\r')
    missing = ('MSH|^~\\&|STUB|STUB|SUITE|SUITE|20261204100100||ADT^A01^ADT_A01|STUB0002|P|2.5.1\r'
               'PID|1||RCB0012345^^^RCB^MR||JONES^PETER||19620715|M\r')
    for _ in range(100):
        try:
            with socket.create_connection(('127.0.0.1', port), 1) as s:
                for m in (good, missing):
                    s.sendall(VT + m.encode() + FS + CR)
                    got = b''
                    while FS not in got:
                        got += s.recv(4096)
            break
        except OSError:
            time.sleep(0.1)
    patient = {'resourceType': 'Patient', 'identifier': [{'system': 'https://fhir.rcb.nhs.uk/Id/mrn', 'value': 'RCB0012345'}],
               'name': [{'family': 'JONES', 'given': ['PETER']}], 'gender': 'male', 'birthDate': '1962-07-15'}
    verified = {'resourceType': 'Patient', 'identifier': [{'extension': [{
        'url': 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus',
        'valueCodeableConcept': {'coding': [{'system': 'https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland',
                                             'code': '01'}]}}], 'system': 'https://fhir.nhs.uk/Id/nhs-number', 'value': '9434765919'}],
                'name': [{'family': 'SMITH', 'given': ['MARGARET']}], 'gender': 'female', 'birthDate': '1941-03-02'}
    for name, resource in (('patient.json', patient), ('verified.json', verified)):  # written whole, then renamed
        with open(os.path.join(folder, '.' + name), 'w') as f:
            json.dump(resource, f)
        os.rename(os.path.join(folder, '.' + name), os.path.join(folder, name))


def b64(obj):
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip('=')


def call_gp(url, cert, key, ca):
    """One structured-record call, wrong on purpose: no Ssp-TraceID, a JWT for an hour."""
    now = int(time.time())
    claims = {'iss': 'https://stub.example', 'sub': '1', 'aud': url, 'iat': now, 'exp': now + 3600,
              'reason_for_request': 'directcare', 'requested_scope': 'patient/*.read',
              'requesting_device': {'resourceType': 'Device'}, 'requesting_organization': {'resourceType': 'Organization'},
              'requesting_practitioner': {'resourceType': 'Practitioner', 'id': '1'}}
    jwt = b64({'alg': 'none', 'typ': 'JWT'}) + '.' + b64(claims) + '.'
    body = json.dumps({'resourceType': 'Parameters', 'parameter': [{'name': 'patientNHSNumber', 'valueIdentifier': {
        'system': 'https://fhir.nhs.uk/Id/nhs-number', 'value': '9434765919'}}]}).encode()
    ctx = ssl.create_default_context(cafile=ca)
    ctx.load_cert_chain(cert, key)
    parsed = urllib.parse.urlparse(url)
    request = (f'POST /Patient/$gpc.getstructuredrecord HTTP/1.1\r\nHost: {parsed.netloc}\r\nAccept: application/fhir+json\r\n'
               f'Content-Type: application/fhir+json\r\nSsp-From: 200000000999\r\nSsp-To: 918999198993\r\n'
               f'Ssp-InteractionID: urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1\r\n'
               f'Authorization: Bearer {jwt}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n').encode() + body
    for _ in range(100):
        try:
            with socket.create_connection((parsed.hostname, parsed.port), 1) as raw:
                with ctx.wrap_socket(raw, server_hostname=parsed.hostname) as s:
                    s.sendall(request)
                    while s.recv(65536):
                        pass
            return
        except OSError:
            time.sleep(0.1)


def main():
    mllp_port, http_port, send_to, folder = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    # The GP Connect test patient, held as any product holds its patients.
    patients['9434765919'] = {'resourceType': 'Patient', 'id': 'p0', 'identifier': [{'system': 'https://fhir.nhs.uk/Id/nhs-number', 'value': '9434765919'}]}
    # A sensitive one (meta.security R), held and served like any other.
    patients['9434765927'] = {'resourceType': 'Patient', 'id': 'p00', 'meta': {'security': [
        {'system': 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', 'code': 'R'}]},
        'identifier': [{'system': 'https://fhir.nhs.uk/Id/nhs-number', 'value': '9434765927'}]}
    gpc_url, cert, key, ca = sys.argv[5:9]
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    mllp = socketserver.ThreadingTCPServer(('127.0.0.1', mllp_port), Mllp)
    mllp.daemon_threads = True
    http = ThreadingHTTPServer(('127.0.0.1', http_port), Http)
    threading.Thread(target=mllp.serve_forever, daemon=True).start()
    threading.Thread(target=http.serve_forever, daemon=True).start()
    print('mllp', mllp.server_address[1], flush=True)
    print('http', http.server_address[1], flush=True)
    send_messages(send_to, folder)
    call_gp(gpc_url, cert, key, ca)
    threading.Event().wait()


if __name__ == '__main__':
    main()
