// Stray or hostile local processes that connect to MASTER_PORT: they are turned away before
// anything is allocated for them and are never counted as a rank.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MAGIC, MAX_KEY_BYTES, Opcode, PROTOCOL_VERSION, Status } from '../../src/store/protocol.js';
import { TcpStoreClient } from '../../src/store/tcp-store-client.js';
import { TcpStoreServer } from '../../src/store/tcp-store-server.js';
import { WireWriter } from '../../src/store/wire.js';
import { closeAll, startGroups } from '../fixtures/groups.js';

const secret = 'the-run-secret';
const opened: { close(): unknown }[] = [];
afterEach(async () => {
  for (const thing of opened.splice(0).reverse()) await thing.close();
});

/** Sends `bytes`, resolves with everything the server sent until it closed the connection. */
function talk(port: number, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: '127.0.0.1', port }, () => socket.write(bytes));
    const got: Buffer[] = [];
    socket.on('data', (d) => got.push(d));
    socket.on('close', () => resolve(Buffer.concat(got)));
    socket.on('error', reject);
    setTimeout(() => socket.destroy(), 3_000);
  });
}

const hello = (s: string, version = PROTOCOL_VERSION) =>
  new WireWriter().u32(MAGIC).u32(version).bytes(s).finish();

describe('TCPStore against intruders', () => {
  it('closes on a wrong magic, refuses a wrong secret, an over-long secret and another version', async () => {
    const server = await TcpStoreServer.listen({ host: '127.0.0.1', port: 0, secret });
    opened.push(server);
    expect((await talk(server.port, Buffer.from('GET / HTTP/1.1\r\n\r\n'))).length).toBe(0);
    expect([...(await talk(server.port, hello('wrong')))]).toEqual([Status.BAD_SECRET]);
    const huge = new WireWriter()
      .u32(MAGIC)
      .u32(PROTOCOL_VERSION)
      .u32(2 ** 31)
      .finish();
    expect([...(await talk(server.port, huge))]).toEqual([Status.BAD_SECRET]);
    expect([...(await talk(server.port, hello(secret, 99)))]).toEqual([Status.BAD_VERSION]);
    expect(server.rejectedConnections).toBe(4);
  });

  it('answers an over-long key with TOO_LARGE and closes, before reading the key', async () => {
    const server = await TcpStoreServer.listen({ host: '127.0.0.1', port: 0, secret });
    opened.push(server);
    const request = new WireWriter()
      .u8(Opcode.SET)
      .u32(MAX_KEY_BYTES + 1)
      .finish();
    const answer = await talk(server.port, Buffer.concat([hello(secret), request]));
    expect([...answer]).toEqual([Status.OK, Status.TOO_LARGE]);
    const unknown = await talk(server.port, Buffer.concat([hello(secret), Buffer.from([200])]));
    expect([...unknown]).toEqual([Status.OK, Status.BAD_REQUEST]);
  });

  it('a stray process on MASTER_PORT is refused and its numbers are never summed in', async () => {
    const groups = await startGroups(2, { timeoutMs: 5_000 });
    const port = (groups[0] as unknown as { server: TcpStoreServer }).server.port;
    await expect(TcpStoreClient.connect({ host: '127.0.0.1', port, secret: 'stray' })).rejects.toThrow(
      /refused this process's secret/,
    );
    expect([...(await talk(port, hello('stray')))]).toEqual([Status.BAD_SECRET]);
    const sums = await Promise.all(groups.map((g) => g.allReduce(Float32Array.of(g.rank + 1), 'sum')));
    for (const s of sums) expect([...s]).toEqual([3]);
    await closeAll(groups);
  });
});
