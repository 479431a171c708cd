// Hostile input to the gloo engine: calls that cannot work fail on the calling rank before
// anything is sent or allocated, and a store that lies, stalls or hangs up gives an error within
// the timeout instead of a hang or a huge allocation.
import { createServer, type Server, type Socket } from 'node:net';
import { totalmem } from 'node:os';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGlooBackend } from '../../src/backends/gloo.js';
import { loadGloo } from '../../src/backends/gloo-addon.js';
import { GlooArgumentChecker, MAX_RESULT_BYTES } from '../../src/backends/gloo-checks.js';
import { GlooArgumentError } from '../../src/backends/gloo-errors.js';
import { AccelerateError } from '../../src/errors.js';
import type { CollectiveBackend } from '../../src/process-group/backend.js';
import { startTestStore, type TestStore } from '../fixtures/gloo-store-server.js';

const gloo = loadGloo();
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A fake store: `answer` sees each chunk a client sends and may reply, stall or hang up. */
async function fakeStore(answer: (socket: Socket, chunk: Buffer) => void): Promise<number> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => answer(socket, chunk));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return (server.address() as { port: number }).port;
}

const init = (port: number, timeoutMs = 700) => ({
  rank: 0,
  worldSize: 2,
  timeoutMs,
  store: { host: '127.0.0.1', port, secret: 's', prefix: 'pg' },
});

describe('gloo init arguments are checked before any socket is opened', () => {
  it.each([
    [{ rank: 2, worldSize: 2 }, /gloo init on rank 2 of 2: rank 2 is not in 0\.\.1/],
    [{ rank: 0, worldSize: 0 }, /worldSize 0 must be an integer >= 1/],
    [{ timeoutMs: 0 }, /timeoutMs 0 must be a positive number/],
    [
      { store: { host: '127.0.0.1', port: 70000, secret: 's', prefix: '' } },
      /store\.port 70000 is not a TCP port/,
    ],
    [{ store: { host: '', port: 1, secret: 's', prefix: '' } }, /store\.host is missing/],
  ])('%j', async (override, message) => {
    const promise = createGlooBackend({ ...init(1), ...override });
    await expect(promise).rejects.toBeInstanceOf(GlooArgumentError);
    await expect(promise).rejects.toThrow(message);
  });
});

describe('result sizes are bounded before allocating', () => {
  it('an allGather of a large world fails with the byte count, allocating nothing', () => {
    const worldSize = 1 << 20;
    const checker = new GlooArgumentChecker(3, worldSize);
    // float64 pieces one element more per rank than the limit allows.
    const perRank = Math.floor(MAX_RESULT_BYTES / 8 / worldSize) + 1;
    expect(() => checker.resultSize('allGather', perRank * worldSize, 8)).toThrow(
      new RegExp(
        `gloo allGather on rank 3 of 1048576: the result would be ${perRank * worldSize * 8} bytes, over the ${MAX_RESULT_BYTES}-byte limit`,
      ),
    );
    // Whatever one ArrayBuffer may hold (2^53 - 1 bytes from Node 22 on), no more than the memory.
    expect(MAX_RESULT_BYTES).toBeLessThanOrEqual(totalmem());
    expect(() => checker.resultSize('allGather', worldSize, 8)).not.toThrow();
    expect(() => checker.counts('allGatherV', [1, -1])).toThrow(
      /counts must have one entry per rank \(1048576\)/,
    );
  });
});

describe.skipIf(!gloo.available)('gloo collectives with bad arguments (group of one)', () => {
  let store: TestStore;
  let backend: CollectiveBackend;
  beforeAll(async () => {
    store = await startTestStore('solo');
    backend = await createGlooBackend({
      rank: 0,
      worldSize: 1,
      timeoutMs: 2000,
      store: { host: '127.0.0.1', port: store.port, secret: 'solo', prefix: 'h' },
    });
    return async () => {
      await backend.close();
      await store.close();
    };
  });

  const bad: [string, () => Promise<unknown>, RegExp][] = [
    [
      'allReduce of a plain array',
      () => backend.allReduce([1, 2] as never, 'sum'),
      /allReduce on rank 0 of 1: expected a Float32Array, Float64Array or Int32Array, got an array of length 2/,
    ],
    ['allReduce of bytes', () => backend.allReduce(new Uint8Array(2) as never, 'sum'), /got a Uint8Array/],
    [
      'allReduce with an unknown op',
      () => backend.allReduce(new Float32Array(2), 'avg' as never),
      /unknown reduce op "avg" \(expected one of sum, mean, max, min\)/,
    ],
    [
      'allGatherV with counts of the wrong length',
      () => backend.allGatherV(new Float32Array(2), [2, 2]),
      /counts must have one entry per rank \(1\), got an array of length 2/,
    ],
    [
      'allGatherV with a fractional count',
      () => backend.allGatherV(new Float32Array(2), [2.5]),
      /counts\[0\] is 2\.5, expected a non-negative integer/,
    ],
    [
      'allGatherV with data not matching its count',
      () => backend.allGatherV(new Float32Array(3), [2]),
      /data has 3 elements but counts\[0\] is 2/,
    ],
    [
      'broadcast from a negative root',
      () => backend.broadcast(new Int32Array(1), -1),
      /root -1 is not a rank of this group \(0\.\.0\)/,
    ],
    [
      'broadcast from a fractional root',
      () => backend.broadcast(new Int32Array(1), 0.5),
      /root 0\.5 is not a rank/,
    ],
    [
      'reduceScatter whose counts do not sum to the length',
      () => backend.reduceScatter(new Float64Array(4), [3], 'sum'),
      /data has 4 elements but the counts sum to 3/,
    ],
    [
      'allGather of a string',
      () => backend.allGather('abc' as never),
      /allGather on rank 0 of 1: expected a Float32Array, Float64Array, Int32Array or Uint8Array, got string/,
    ],
  ];
  it.each(bad)('%s', async (_, call, message) => {
    await expect(call()).rejects.toBeInstanceOf(GlooArgumentError);
    await expect(call()).rejects.toThrow(message);
  });

  it('the context still works after every bad call', async () => {
    const data = new Float64Array([2, 4]);
    await backend.allReduce(data, 'mean');
    expect(Array.from(data)).toEqual([2, 4]);
    expect(new AccelerateError('x')).toBeInstanceOf(Error);
  });
});

describe.skipIf(!gloo.available)('a hostile or broken rendezvous store', () => {
  it('a reply claiming a 4 GiB value is refused without allocating it', async () => {
    // Accepts the handshake, SET and WAIT, then answers GET with an absurd length.
    const port = await fakeStore((socket, chunk) => {
      const op = chunk[0];
      if (chunk.readUInt32LE(0) === 0x5352454e || op === 1 || op === 4) socket.write(Buffer.from([0]));
      else if (op === 2) socket.write(Buffer.from([0, 0xf0, 0xff, 0xff, 0xff]));
    });
    await expect(createGlooBackend(init(port))).rejects.toThrow(
      /gloo rendezvous failed on rank 0 of 2: rendezvous store 127\.0\.0\.1:\d+: GET 'pg\/1': the reply claims 4294967280 bytes/,
    );
  });

  it('a store that never answers the handshake times out', async () => {
    const port = await fakeStore(() => undefined);
    const started = Date.now();
    await expect(createGlooBackend(init(port, 500))).rejects.toThrow(/timed out waiting for a reply/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a store that hangs up mid-request is reported', async () => {
    const port = await fakeStore((socket) => socket.destroy());
    await expect(createGlooBackend(init(port))).rejects.toThrow(/the store closed the connection/);
  });

  it('an unknown status in the handshake is reported by name', async () => {
    const port = await fakeStore((socket) => socket.end(Buffer.from([3])));
    await expect(createGlooBackend(init(port))).rejects.toThrow(/handshake refused: BAD_VERSION/);
  });

  it('a prefix that makes keys longer than the protocol allows is refused before sending', async () => {
    const store = await startTestStore('s');
    closers.push(() => store.close());
    const long = {
      ...init(store.port),
      store: { host: '127.0.0.1', port: store.port, secret: 's', prefix: 'p'.repeat(5000) },
    };
    await expect(createGlooBackend(long)).rejects.toThrow(
      /key .pppp.*\.\.\.. is 50\d\d bytes, at most 4096 allowed/,
    );
    expect(store.keys).toEqual([]);
  });
});
