/**
 * The small header every rank exchanges before a collective (one all-gather of a few int32s):
 * which collective, element type, length and op/root. Comparing them first turns "ranks called
 * different things" (another shape, another collective, a skipped call) into an error naming
 * the ranks on every rank at once, where the engine itself would hang or read garbage.
 */
import { CollectiveError } from '../errors.js';
import type { HostArray, ReduceOp } from './backend.js';

export const Collective = {
  allReduce: 1,
  allGather: 2,
  allGatherV: 3,
  broadcast: 4,
  reduceScatter: 5,
  barrier: 6,
} as const;
export type CollectiveName = keyof typeof Collective;

const DTYPES = ['none', 'float32', 'float64', 'int32', 'uint8'] as const;
const OPS: readonly ReduceOp[] = ['sum', 'mean', 'max', 'min'];

export const HEADER_LENGTH = 5;

export function dtypeCode(data: HostArray | undefined): number {
  if (data instanceof Float32Array) return 1;
  if (data instanceof Float64Array) return 2;
  if (data instanceof Int32Array) return 3;
  if (data instanceof Uint8Array) return 4;
  return 0;
}

export function opCode(op: ReduceOp): number {
  return OPS.indexOf(op);
}

export interface Header {
  seq: number;
  collective: CollectiveName;
  dtype: number;
  /** Element count (-1: this rank does not know it, e.g. a broadcast's receivers). */
  length: number;
  /** The op code (reductions) or the root (broadcast). */
  extra: number;
}

export function encodeHeader(h: Header): Int32Array {
  return Int32Array.from([h.seq, Collective[h.collective], h.dtype, h.length, h.extra]);
}

export function decodeHeaders(all: Int32Array, worldSize: number): Header[] {
  const names = Object.keys(Collective) as CollectiveName[];
  return Array.from({ length: worldSize }, (_, r) => {
    const row = all.subarray(r * HEADER_LENGTH, (r + 1) * HEADER_LENGTH);
    return {
      seq: row[0]!,
      collective: names.find((n) => Collective[n] === row[1]) ?? ('barrier' as CollectiveName),
      dtype: row[2]!,
      length: row[3]!,
      extra: row[4]!,
    };
  });
}

function describe(h: Header): string {
  const type = `${DTYPES[h.dtype] ?? `dtype ${h.dtype}`}[${h.length < 0 ? '?' : h.length}]`;
  if (h.collective === 'barrier') return `barrier #${h.seq}`;
  const extra =
    h.collective === 'broadcast'
      ? ` from root ${h.extra}`
      : h.collective === 'allReduce' || h.collective === 'reduceScatter'
        ? ` ${OPS[h.extra] ?? `op ${h.extra}`}`
        : '';
  return `${h.collective} #${h.seq} of ${type}${extra}`;
}

/**
 * Throws a {@link CollectiveError} naming every rank whose header differs from rank 0's in the
 * fields that must agree (`sameLength`: element counts too).
 */
export function checkHeaders(headers: Header[], sameLength: boolean): void {
  const first = headers[0]!;
  const differs = (h: Header) =>
    h.seq !== first.seq ||
    h.collective !== first.collective ||
    h.dtype !== first.dtype ||
    h.extra !== first.extra ||
    (sameLength && h.length !== first.length);
  const odd = headers.flatMap((h, r) => (differs(h) ? [r] : []));
  if (odd.length === 0) return;
  const lines = headers.map((h, r) => `rank ${r}: ${describe(h)}`).join('; ');
  throw new CollectiveError(
    `collective mismatch: rank(s) ${odd.join(', ')} called something other than rank 0 (${lines}). Every rank must call the same collectives, in the same order, with the same shapes.`,
    odd,
  );
}
