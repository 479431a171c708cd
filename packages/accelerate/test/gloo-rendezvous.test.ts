// The gloo engine in this process: a group of one, and rendezvous failures against a store served
// on this (main) thread — the addon's rendezvous runs on libuv's pool, or these would deadlock.
import { afterEach, describe, expect, it } from 'vitest';
import { connectLoopback } from './fixtures/gloo-connect.js';
import { describeGloo, loadGloo } from '../src/backends/gloo-addon.js';
import { resolveBindAddress } from '../src/backends/gloo-checks.js';
import { CollectiveError } from '../src/errors.js';
import { startTestStore, type TestStore } from './fixtures/gloo-store-server.js';

const gloo = loadGloo();
let store: TestStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

describe.skipIf(!gloo.available)('gloo rendezvous in one process', () => {
  it('a group of one runs every collective locally', async () => {
    store = await startTestStore('one');
    const backend = await connectLoopback({
      rank: 0,
      worldSize: 1,
      timeoutMs: 5000,
      port: store.port,
      secret: 'one',
      prefix: 'solo',
    });
    expect([backend.name, backend.rank, backend.worldSize]).toEqual(['gloo', 0, 1]);
    const data = new Float32Array([1.5, -2, 4]);
    await backend.allReduce(data, 'mean');
    expect(Array.from(data)).toEqual([1.5, -2, 4]);
    const ints = new Int32Array([3, -7]);
    await backend.allReduce(ints, 'max');
    expect(Array.from(ints)).toEqual([3, -7]);
    expect(Array.from(await backend.allGather(new Uint8Array([9, 8])))).toEqual([9, 8]);
    // A Buffer gathers into a Buffer (not through `new Buffer(n)`, which is deprecated).
    const bytes = await backend.allGather(Buffer.from('gloo'));
    expect(Buffer.isBuffer(bytes) && bytes.toString()).toBe('gloo');
    expect(Array.from(await backend.allGatherV(new Float64Array([0.25]), [1]))).toEqual([0.25]);
    const scattered = await backend.reduceScatter(new Float64Array([1, 2, 3]), [3], 'sum');
    expect(scattered).toBeInstanceOf(Float64Array);
    expect(Array.from(scattered)).toEqual([1, 2, 3]);
    await backend.broadcast(data, 0);
    await backend.barrier();
    await backend.close();
    await backend.close(); // idempotent
    await expect(backend.allReduce(data, 'sum')).rejects.toThrow(
      /gloo allReduce on rank 0 of 1: the backend is closed/,
    );
    // Every key gloo publishes carries the group's prefix.
    expect(store.keys).toContain('solo/0');
    expect(store.keys.every((key) => key.startsWith('solo/'))).toBe(true);
  });

  it('a rank that never arrives fails the rendezvous within the timeout, naming its key', async () => {
    store = await startTestStore('late');
    const started = Date.now();
    const error = await connectLoopback({
      rank: 0,
      worldSize: 2,
      timeoutMs: 800,
      port: store.port,
      secret: 'late',
      prefix: 'pg',
    }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(CollectiveError);
    expect(error).toMatchObject({
      name: 'GlooCollectiveError',
      collective: 'rendezvous',
      timedOut: true,
      ranks: [1],
    });
    expect((error as Error).message).toMatch(
      /^gloo rendezvous failed on rank 0 of 2: rendezvous store 127\.0\.0\.1:\d+: (WAIT for|GET) 'pg\/1'.* timed out after 800 ms/,
    );
    expect(Date.now() - started).toBeLessThan(800 + 6000);
  });

  it('a wrong secret is refused by the store', async () => {
    store = await startTestStore('right');
    await expect(
      connectLoopback({
        rank: 0,
        worldSize: 2,
        timeoutMs: 2000,
        port: store.port,
        secret: 'wrong',
        prefix: 'pg',
      }),
    ).rejects.toThrow(/gloo rendezvous failed on rank 0 of 2: .*handshake refused: BAD_SECRET/);
    expect(store.keys).toEqual([]);
  });

  it('no store at the address: the connection is retried, then fails within the timeout', async () => {
    const started = Date.now();
    await expect(
      connectLoopback({ rank: 1, worldSize: 2, timeoutMs: 600, port: 9, secret: 's', prefix: 'pg' }),
    ).rejects.toThrow(
      /could not connect within 600 ms \(last error: Connection refused\); is rank 0 running\?/,
    );
    expect(Date.now() - started).toBeLessThan(600 + 5000);
  });
});

it('describeGloo gives one line either way', () => {
  expect(describeGloo()).toMatch(
    gloo.available ? /^gloo 0\.5\.0 \(.*ner_gloo\.node\)$/ : /^unavailable: .*apt-get install -y libgloo-dev/,
  );
});

describe('gloo transport address', () => {
  const store = { host: '127.0.0.1', port: 1, secret: '', prefix: '' };
  it('binds to loopback for a loopback store, to an interface by name, else to an address', () => {
    expect(resolveBindAddress({ store })).toEqual({ hostname: '127.0.0.1' });
    expect(resolveBindAddress({ store: { ...store, host: 'localhost' } })).toEqual({ hostname: '127.0.0.1' });
    expect(resolveBindAddress({ store: { ...store, host: '10.1.2.3' } })).toEqual({});
    expect(resolveBindAddress({ store, bindAddress: 'eth7' }, { eth7: [] })).toEqual({ iface: 'eth7' });
    expect(resolveBindAddress({ store, bindAddress: '10.0.0.5' }, { eth7: [] })).toEqual({
      hostname: '10.0.0.5',
    });
  });
});
