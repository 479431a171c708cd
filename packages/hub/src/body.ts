/**
 * Reading response bodies with a bound on memory: a hostile or broken server can announce or send any
 * number of bytes, so the limit is checked against `Content-Length` before reading and against a running
 * count while the body streams, and the stream is cancelled as soon as it is exceeded (never buffered whole).
 */
import { HubResponseTooLargeError } from './errors.js';

/**
 * The whole body as bytes, refusing more than `limitBytes`: a `Content-Length` above the limit is refused
 * before any byte is read, and a body without one is cancelled at the first chunk that crosses it.
 *
 * @throws {HubResponseTooLargeError} naming the URL and the limit.
 */
export async function readBodyWithLimit(
  response: Response,
  url: string,
  limitBytes: number,
): Promise<Buffer> {
  const announced = response.headers.get('content-length');
  if (announced !== null && Number(announced) > limitBytes) {
    await response.body?.cancel();
    throw new HubResponseTooLargeError(
      `${url} announced ${announced} bytes (Content-Length); at most ${limitBytes} bytes are read from it.`,
      url,
      limitBytes,
    );
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body?.getReader();
  if (reader === undefined) return Buffer.alloc(0);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limitBytes) {
      await reader.cancel();
      throw new HubResponseTooLargeError(
        `${url} sent more than ${limitBytes} bytes; reading stopped there (a Hub answer of this kind is far smaller).`,
        url,
        limitBytes,
      );
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

/** At most the first `maxBytes` bytes of the body; the rest is cancelled unread (for error messages). */
export async function readBodyPrefix(response: Response, maxBytes: number): Promise<Buffer> {
  const reader = response.body?.getReader();
  if (reader === undefined) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (total < maxBytes) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks, total);
    chunks.push(value);
    total += value.byteLength;
  }
  await reader.cancel();
  return Buffer.concat(chunks, total).subarray(0, maxBytes);
}
