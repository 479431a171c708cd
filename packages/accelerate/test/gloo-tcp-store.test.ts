// The gloo addon's C++ store client against the package's real rendezvous server
// (src/store/tcp-store-server.ts), both ranks in this process: the server runs on this main
// thread while both rendezvous and every collective run on libuv's pool.
import { afterEach, describe, expect, it } from 'vitest';
import { connectLoopback } from './fixtures/gloo-connect.js';
import { loadGloo } from '../src/backends/gloo-addon.js';
import type { CollectiveBackend } from '../src/process-group/backend.js';
import { TcpStoreServer } from '../src/store/tcp-store-server.js';

const gloo = loadGloo();
let server: TcpStoreServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const connect = (port: number, secret: string, worldSize: number) =>
  Promise.all(
    Array.from({ length: worldSize }, (_, rank) =>
      connectLoopback({ rank, worldSize, timeoutMs: 15_000, port, secret, prefix: 'tcp' }),
    ),
  );

describe.skipIf(!gloo.available)('gloo with the TcpStoreServer', () => {
  it('two ranks in one process rendezvous and reduce', async () => {
    server = await TcpStoreServer.listen({ host: '127.0.0.1', port: 0, secret: 'run-secret' });
    const ranks: CollectiveBackend[] = await connect(server.port, 'run-secret', 2);
    const data = ranks.map((b) => new Float64Array([b.rank + 1, -0.5 * b.rank, 10]));
    await Promise.all(ranks.map((b, r) => b.allReduce(data[r]!, 'sum')));
    for (const d of data) expect(Array.from(d)).toEqual([3, -0.5, 20]);
    const gathered = await Promise.all(
      ranks.map((b) => b.allGatherV(new Int32Array(b.rank === 0 ? [] : [4, 5]), [0, 2])),
    );
    for (const g of gathered) expect(Array.from(g)).toEqual([4, 5]);
    await Promise.all(ranks.map((b) => b.close()));
  });

  it('a client without the run secret is turned away', async () => {
    server = await TcpStoreServer.listen({ host: '127.0.0.1', port: 0, secret: 'run-secret' });
    await expect(
      connectLoopback({
        rank: 0,
        worldSize: 2,
        timeoutMs: 3000,
        port: server.port,
        secret: 'guess',
        prefix: 'tcp',
      }),
    ).rejects.toThrow(
      /gloo rendezvous failed on rank 0 of 2: rendezvous store 127\.0\.0\.1:\d+: handshake refused: BAD_SECRET/,
    );
    expect(server.rejectedConnections).toBe(1);
  });
});
