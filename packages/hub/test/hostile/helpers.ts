/** Shared pieces of the hostile-server tests: temp folders that are always removed, and side servers. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export { FAST_RETRY, removeTempDirs, repoWithWeights, tempDir, useFakeHub, WEIGHTS } from '../helpers.js';

/** A server on 127.0.0.1 that records each request's URL and Authorization header and answers `[]`. */
export interface RecordingServer {
  readonly origin: string;
  readonly requests: { url: string; authorization: string | undefined }[];
  close(): Promise<void>;
}

export async function startRecordingServer(): Promise<RecordingServer> {
  const requests: RecordingServer['requests'] = [];
  const server = createServer((request, response) => {
    requests.push({ url: request.url ?? '/', authorization: request.headers.authorization });
    response.writeHead(200, { 'content-type': 'application/json' }).end('[]');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Streams `chunk` again and again (respecting backpressure) until `maxBytes` were accepted or the client
 * goes away; returns a getter for the bytes handed to the socket so far.
 */
export function streamEndlessly(
  request: IncomingMessage,
  response: ServerResponse,
  chunk: Buffer,
  maxBytes: number,
): () => number {
  let sent = 0;
  let closed = false;
  request.socket.on('close', () => {
    closed = true;
  });
  const pump = () => {
    while (!closed && sent < maxBytes) {
      sent += chunk.length;
      if (!response.write(chunk)) {
        response.once('drain', pump);
        return;
      }
    }
    if (!closed) response.end();
  };
  pump();
  return () => sent;
}
