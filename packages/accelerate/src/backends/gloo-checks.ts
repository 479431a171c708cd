/**
 * Argument checks of the gloo engine, done before anything is sent or allocated: a call that
 * would make ranks disagree or overflow memory fails on the calling rank with a
 * {@link GlooArgumentError} and the context stays usable.
 */
import { constants as bufferConstants } from 'node:buffer';
import { networkInterfaces, totalmem } from 'node:os';
import type { BackendInit, HostArray, ReduceOp } from '../process-group/backend.js';
import { GlooArgumentError } from './gloo-errors.js';

const REDUCE_OPS: readonly ReduceOp[] = ['sum', 'mean', 'max', 'min'];

/**
 * Largest result a collective may allocate, in bytes: what one ArrayBuffer may hold, and no more
 * than this machine's memory. The first alone bounds nothing from Node 22 on (2^53 - 1 bytes,
 * where Node 20 has 4 GiB), so a result no machine could hold would be attempted.
 */
export const MAX_RESULT_BYTES = Math.min(bufferConstants.MAX_LENGTH, totalmem());

/** Checks collective arguments for one rank of a group. */
export class GlooArgumentChecker {
  constructor(
    readonly rank: number,
    readonly worldSize: number,
  ) {}

  fail(collective: string, problem: string): never {
    throw new GlooArgumentError(collective, this.rank, this.worldSize, problem);
  }

  hostArray(collective: string, data: unknown): asserts data is HostArray {
    if (
      !(data instanceof Float32Array) &&
      !(data instanceof Float64Array) &&
      !(data instanceof Int32Array) &&
      !(data instanceof Uint8Array)
    ) {
      this.fail(
        collective,
        `expected a Float32Array, Float64Array, Int32Array or Uint8Array, got ${describe(data)}`,
      );
    }
  }

  numericArray(collective: string, data: unknown): asserts data is Float32Array | Float64Array | Int32Array {
    if (!(data instanceof Float32Array) && !(data instanceof Float64Array) && !(data instanceof Int32Array)) {
      this.fail(collective, `expected a Float32Array, Float64Array or Int32Array, got ${describe(data)}`);
    }
  }

  reduceOp(collective: string, op: unknown): asserts op is ReduceOp {
    if (!REDUCE_OPS.includes(op as ReduceOp)) {
      this.fail(
        collective,
        `unknown reduce op ${JSON.stringify(op)} (expected one of ${REDUCE_OPS.join(', ')})`,
      );
    }
  }

  root(collective: string, root: unknown): asserts root is number {
    if (!Number.isInteger(root) || (root as number) < 0 || (root as number) >= this.worldSize) {
      this.fail(collective, `root ${String(root)} is not a rank of this group (0..${this.worldSize - 1})`);
    }
  }

  /** Checks `counts` (one non-negative integer per rank) and returns their sum. */
  counts(collective: string, counts: unknown): number {
    if (!Array.isArray(counts) || counts.length !== this.worldSize) {
      this.fail(
        collective,
        `counts must have one entry per rank (${this.worldSize}), got ${describe(counts)}`,
      );
    }
    let total = 0;
    for (const [r, count] of counts.entries()) {
      if (!Number.isSafeInteger(count) || count < 0) {
        this.fail(collective, `counts[${r}] is ${String(count)}, expected a non-negative integer`);
      }
      total += count;
    }
    return total;
  }

  /** Checks that `elements` elements of `bytesPerElement` fit in one ArrayBuffer and in memory. */
  resultSize(collective: string, elements: number, bytesPerElement: number): void {
    if (elements * bytesPerElement > MAX_RESULT_BYTES) {
      this.fail(
        collective,
        `the result would be ${elements * bytesPerElement} bytes, over the ${MAX_RESULT_BYTES}-byte limit (one ArrayBuffer's maximum or this machine's memory, the smaller)`,
      );
    }
  }
}

/** Checks what {@link BackendInit} gives the engine before any socket is opened. */
export function checkInit(init: BackendInit): void {
  const { rank, worldSize, timeoutMs, store } = init;
  const problem = (text: string): never => {
    throw new GlooArgumentError('init', Number.isInteger(rank) ? rank : -1, worldSize, text);
  };
  if (!Number.isInteger(worldSize) || worldSize < 1)
    problem(`worldSize ${String(worldSize)} must be an integer >= 1`);
  if (!Number.isInteger(rank) || rank < 0 || rank >= worldSize)
    problem(`rank ${String(rank)} is not in 0..${worldSize - 1}`);
  if (!Number.isFinite(timeoutMs) || timeoutMs < 1)
    problem(`timeoutMs ${String(timeoutMs)} must be a positive number`);
  if (!store || typeof store.host !== 'string' || store.host === '') problem('store.host is missing');
  if (!Number.isInteger(store.port) || store.port < 1 || store.port > 65535)
    problem(`store.port ${String(store.port)} is not a TCP port`);
  if (typeof store.secret !== 'string') problem('store.secret must be a string');
  if (typeof store.prefix !== 'string') problem('store.prefix must be a string');
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1)$/i;

/**
 * Where this rank's gloo transport listens, as gloo's TCP `attr` wants it: an interface name
 * (`iface`) when `bindAddress` names one of this machine's interfaces, else a hostname/address.
 * Without `bindAddress` (or with a wildcard like 0.0.0.0), loopback when the store is on
 * loopback (a single-machine run), else this machine's hostname (what gloo resolves by default, as torch does).
 */
export function resolveBindAddress(
  init: Pick<BackendInit, 'bindAddress' | 'store'>,
  interfaces: Record<string, unknown> = networkInterfaces(),
): { hostname?: string; iface?: string } {
  const bind = init.bindAddress?.trim();
  // A wildcard is where a server listens, not an address peers can dial: treated as unset.
  const wildcard = bind === '0.0.0.0' || bind === '::';
  if (bind && !wildcard) return Object.hasOwn(interfaces, bind) ? { iface: bind } : { hostname: bind };
  if (LOOPBACK.test(init.store.host)) return { hostname: init.store.host === '::1' ? '::1' : '127.0.0.1' };
  return {};
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  return typeof value;
}
