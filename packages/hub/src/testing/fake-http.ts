/** Small HTTP helpers of the fake Hub's write routes: error and JSON answers, bounded body reads. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export function sendError(
  response: ServerResponse,
  status: number,
  code: string | undefined,
  message: string,
): void {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-error-message': message };
  if (code) headers['x-error-code'] = code;
  response.writeHead(status, headers).end(JSON.stringify({ error: message }));
}

export function sendJson(response: ServerResponse, value: unknown, contentType = 'application/json'): void {
  response.writeHead(200, { 'content-type': contentType }).end(JSON.stringify(value));
}

/**
 * The request body, or undefined (after answering 413) when it exceeds `limit`. An oversized body is still
 * drained before the answer, so the client reads a 413 rather than a reset connection.
 */
export function readBody(
  request: IncomingMessage,
  response: ServerResponse,
  limit: number,
): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    request.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total <= limit) chunks.push(chunk);
    });
    request.on('end', () => {
      if (total <= limit) {
        resolve(Buffer.concat(chunks));
        return;
      }
      sendError(response, 413, undefined, `Payload Too Large: more than ${limit} bytes`);
      resolve(undefined);
    });
    request.on('error', () => resolve(undefined));
  });
}
