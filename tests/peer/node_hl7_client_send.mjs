// Sends HL7 v2 files to an MLLP listener with the npm package node-hl7-client 4.0.0 and prints
// one JSON line per ACK: {"file", "msa1", "msa2", "err"}. Each message waits for its ACK before
// the next is sent. Exits 2 if an ACK does not arrive in time.
// Usage: node node_hl7_client_send.mjs PORT FILE...
import fs from 'node:fs';
import path from 'node:path';
import Client, { Message } from 'node-hl7-client';

const [port, ...files] = process.argv.slice(2);
const timer = setTimeout(() => { console.error('timed out waiting for an ACK'); process.exit(2); }, 30000);
const connections = new Map();  // MSH-12 -> { conn, waiting }

function connection(version) {
  if (connections.has(version)) return connections.get(version);
  const entry = { waiting: null };
  const client = new Client({ host: '127.0.0.1', version });
  entry.conn = client.createConnection({ port: Number(port) }, async (res) => {
    const resolve = entry.waiting;
    entry.waiting = null;
    if (resolve) resolve(res.getMessage());
  });
  connections.set(version, entry);
  return entry;
}

for (const f of files) {
  const text = fs.readFileSync(f, 'utf8').replace(/\r\n|\n/g, '\r').replace(/\r+$/, '');
  const msg = new Message({ text });
  const entry = connection(msg.get('MSH.12').toString());
  const ack = await new Promise((resolve) => { entry.waiting = resolve; entry.conn.sendMessage(msg); });
  console.log(JSON.stringify({ file: path.basename(f), msa1: ack.get('MSA.1').toString(), msa2: ack.get('MSA.2').toString(),
    err: ack.get('ERR.8').toString() }));
}
clearTimeout(timer);
process.exit(0);
