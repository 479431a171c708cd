/**
 * The fake Hub's LFS storage: the batch API's answers, the storage origin's PUTs (whole objects or parts),
 * multipart completion and verification. An object counts as stored only when its bytes hash to its oid,
 * so a commit can never point at a partial upload.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeWriteState } from './fake-hub-writes.js';
import { readBody, sendError, sendJson } from './fake-http.js';

/** Uploaded LFS objects and the parts of multipart uploads in progress. */
export interface FakeUploadStore {
  /** oid → bytes of every complete, verified object. */
  readonly objects: Map<string, Buffer>;
  /** oid → part number → bytes and the ETag returned for them. */
  readonly parts: Map<string, Map<number, { readonly bytes: Buffer; readonly etag: string }>>;
  /** oid → size the batch request announced. */
  readonly announced: Map<string, number>;
  /** The next this many storage PUTs drop the connection after half their body. */
  dropsLeft: number;
}

export function createUploadStore(): FakeUploadStore {
  return { objects: new Map(), parts: new Map(), announced: new Map(), dropsLeft: 0 };
}

const LFS_JSON = 'application/vnd.git-lfs+json';

/** `POST {repo}.git/info/lfs/objects/batch`: what to do with each object. */
export function handleLfsBatch(
  state: FakeWriteState,
  response: ServerResponse,
  body: Buffer,
  verifyUrl: string,
): void {
  const payload = JSON.parse(body.toString('utf8')) as {
    operation?: string;
    transfers?: string[];
    objects?: { oid?: unknown; size?: unknown }[];
  };
  if (payload.operation !== 'upload' || !Array.isArray(payload.objects)) {
    sendError(response, 400, undefined, 'Only upload batches with objects are supported');
    return;
  }
  const multipartAllowed = payload.transfers?.includes('multipart') === true;
  let transfer = 'basic';
  const objects = payload.objects.map(({ oid, size }) => {
    if (
      typeof oid !== 'string' ||
      !/^[0-9a-f]{64}$/.test(oid) ||
      !Number.isInteger(size) ||
      (size as number) < 0
    ) {
      return { oid, size, error: { code: 422, message: 'Invalid oid or size' } };
    }
    const bytes = size as number;
    if (state.uploads.objects.has(oid)) return { oid, size: bytes };
    state.uploads.announced.set(oid, bytes);
    const verify = { href: verifyUrl, header: {} };
    if (multipartAllowed && bytes >= state.options.multipartThresholdBytes) {
      transfer = 'multipart';
      const chunk = state.options.multipartChunkBytes;
      const header: Record<string, string> = { chunk_size: String(chunk) };
      for (let part = 1; part <= Math.ceil(bytes / chunk); part += 1) {
        header[String(part).padStart(5, '0')] = `${state.cdnOrigin}/__lfs/part/${oid}/${part}`;
      }
      return {
        oid,
        size: bytes,
        actions: { upload: { href: `${state.hubOrigin}/__lfs/complete/${oid}`, header }, verify },
      };
    }
    return {
      oid,
      size: bytes,
      actions: { upload: { href: `${state.cdnOrigin}/__lfs/object/${oid}` }, verify },
    };
  });
  sendJson(response, { transfer, objects }, LFS_JSON);
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A storage PUT: a whole object (`/__lfs/object/{oid}`) or one part (`/__lfs/part/{oid}/{n}`). */
export async function handleLfsStoragePut(
  state: FakeWriteState,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  const match = /^\/__lfs\/(object|part)\/([0-9a-f]{64})(?:\/(\d+))?$/.exec(url.pathname);
  const announced = match ? state.uploads.announced.get(match[2] as string) : undefined;
  if (!match || announced === undefined) {
    response.writeHead(404).end('NoSuchUpload');
    return;
  }
  const oid = match[2] as string;
  if (state.uploads.dropsLeft > 0) {
    state.uploads.dropsLeft -= 1;
    // Take half of the body, then drop the connection, as a storage node that dies mid-upload.
    const half = Number(request.headers['content-length'] ?? 0) / 2;
    let received = 0;
    request.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received >= half) request.socket.destroy();
    });
    return;
  }
  const limit = match[1] === 'object' ? announced : state.options.multipartChunkBytes;
  const bytes = await readBody(request, response, limit);
  if (bytes === undefined) return;
  if (match[1] === 'object') {
    if (bytes.length !== announced || sha256(bytes) !== oid) {
      sendError(response, 400, undefined, 'The uploaded content does not match the announced oid and size');
      return;
    }
    state.uploads.objects.set(oid, bytes);
    response.writeHead(200).end();
    return;
  }
  const etag = `"${createHash('md5').update(bytes).digest('hex')}"`;
  const parts = state.uploads.parts.get(oid) ?? new Map();
  parts.set(Number(match[3]), { bytes, etag });
  state.uploads.parts.set(oid, parts);
  response.writeHead(200, { etag }).end();
}

/** `POST /__lfs/complete/{oid}` on the Hub: assembles the parts named in the body, in order. */
export function handleLfsComplete(state: FakeWriteState, response: ServerResponse, body: Buffer): void {
  const payload = JSON.parse(body.toString('utf8')) as {
    oid?: string;
    parts?: { partNumber: number; etag: string }[];
  };
  const oid = payload.oid ?? '';
  const stored = state.uploads.parts.get(oid);
  const announced = state.uploads.announced.get(oid);
  if (stored === undefined || announced === undefined || !Array.isArray(payload.parts)) {
    sendError(response, 404, undefined, 'No multipart upload in progress for this oid');
    return;
  }
  const chunks: Buffer[] = [];
  for (const [index, part] of [...payload.parts].sort((a, b) => a.partNumber - b.partNumber).entries()) {
    const held = stored.get(part.partNumber);
    if (part.partNumber !== index + 1 || held === undefined || held.etag !== part.etag) {
      sendError(response, 400, undefined, `Part ${part.partNumber} is missing or its ETag does not match`);
      return;
    }
    chunks.push(held.bytes);
  }
  const bytes = Buffer.concat(chunks);
  if (bytes.length !== announced || sha256(bytes) !== oid) {
    sendError(response, 400, undefined, 'The assembled parts do not match the announced oid and size');
    return;
  }
  state.uploads.objects.set(oid, bytes);
  state.uploads.parts.delete(oid);
  sendJson(response, {});
}

/** `POST {repo}.git/info/lfs/objects/verify`: 200 when the object is stored with that size. */
export function handleLfsVerify(state: FakeWriteState, response: ServerResponse, body: Buffer): void {
  const payload = JSON.parse(body.toString('utf8')) as { oid?: string; size?: number };
  const bytes = state.uploads.objects.get(payload.oid ?? '');
  if (bytes === undefined || bytes.length !== payload.size) {
    sendError(response, 404, undefined, 'Object not found or of another size');
    return;
  }
  sendJson(response, { message: 'Everything is fine' });
}
