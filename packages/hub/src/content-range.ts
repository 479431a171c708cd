/**
 * `Content-Range` of a `206 Partial Content` answer, which must say that the body starts exactly where the
 * bytes on disk end before it may be appended.
 */

/** `bytes start-end/total` (total `*` when unknown). */
export interface ContentRange {
  readonly start: number;
  readonly end: number;
  readonly total: number | undefined;
}

/** Parses `bytes a-b/total`; undefined for a missing or malformed header. */
export function parseContentRange(header: string | null): ContentRange | undefined {
  if (header === null) return undefined;
  const match = /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(header);
  if (!match) return undefined;
  const start = Number(match[1]);
  const end = Number(match[2]);
  const total = match[3] === '*' ? undefined : Number(match[3]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) return undefined;
  if (total !== undefined && (!Number.isSafeInteger(total) || end >= total)) return undefined;
  return { start, end, total };
}

/**
 * Why a 206 answer cannot be appended to `onDisk` bytes of a file of `expectedTotal` bytes, or undefined
 * when it can.
 */
export function resumeMismatch(
  header: string | null,
  onDisk: number,
  expectedTotal: number | undefined,
): string | undefined {
  const range = parseContentRange(header);
  if (range === undefined) return `a 206 answer with Content-Range ${JSON.stringify(header)}`;
  if (range.start !== onDisk) {
    return `Content-Range "${header}" starting at byte ${range.start}, but ${onDisk} bytes are on disk`;
  }
  if (expectedTotal !== undefined && range.total !== undefined && range.total !== expectedTotal) {
    return `Content-Range "${header}" for a file of ${range.total} bytes, but ${expectedTotal} were announced`;
  }
  return undefined;
}
