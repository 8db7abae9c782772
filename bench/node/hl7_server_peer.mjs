// The peer for the ingest benchmark: node-hl7-server 2.5.0 answering every message with an ACK,
// storing nothing. Usage: node hl7_server_peer.mjs PORT
import { Server } from 'node-hl7-server';

const port = Number(process.argv[2] || 3000);
const server = new Server({ bindAddress: '127.0.0.1' });
server.createInbound({ port }, async (req, res) => {
  await res.sendResponse('AA');  // the ACK (MSA-1 AA, MSA-2 = MSH-10) this server builds
});
console.log(`node-hl7-server listening on 127.0.0.1:${port}`);
process.on('SIGTERM', () => process.exit(0));
