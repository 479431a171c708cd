import { afterEach, describe, expect, it } from 'vitest';
import { StoreError } from '../src/index.js';
import { TcpStoreClient } from '../src/store/tcp-store-client.js';
import { TcpStoreServer } from '../src/store/tcp-store-server.js';

const secret = 'correct horse battery staple';
const opened: { close(): unknown }[] = [];
afterEach(async () => {
  for (const thing of opened.splice(0).reverse()) await thing.close();
});

async function serverAndClient(prefix = '') {
  const server = await TcpStoreServer.listen({ host: '127.0.0.1', port: 0, secret });
  opened.push(server);
  const client = await TcpStoreClient.connect({ host: '127.0.0.1', port: server.port, secret, prefix });
  opened.push(client);
  return { server, client };
}

describe('TCPStore', () => {
  it('set / get / add / compareSet / check / delete, as torch.distributed.TCPStore', async () => {
    const { client } = await serverAndClient();
    await client.set('a', 'one');
    expect((await client.get('a')).toString()).toBe('one');
    expect(await client.add('n', 5)).toBe(5);
    expect(await client.add('n', -2)).toBe(3);
    expect((await client.get('n')).toString()).toBe('3'); // decimal text, as torch stores it
    expect((await client.compareSet('c', '', 'first')).toString()).toBe('first'); // missing + empty expected
    expect((await client.compareSet('c', 'nope', 'second')).toString()).toBe('first');
    expect((await client.compareSet('c', 'first', 'second')).toString()).toBe('second');
    expect(await client.check(['a', 'c'])).toBe(true);
    expect(await client.check(['a', 'missing'])).toBe(false);
    expect(await client.delete('a')).toBe(true);
    expect(await client.delete('a')).toBe(false);
    expect(await client.tryGet('a')).toBeUndefined();
    const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => i % 251);
    await client.set('big', big);
    expect(Buffer.compare(await client.get('big'), Buffer.from(big))).toBe(0);
  });

  it('get and wait block until another client sets the key, or time out', async () => {
    const { server, client } = await serverAndClient();
    const other = await TcpStoreClient.connect({ host: '127.0.0.1', port: server.port, secret });
    opened.push(other);
    const waiting = client.wait(['x', 'y'], 5_000);
    const getting = client.get('y', 5_000);
    await other.set('x', '1');
    await other.set('y', '2');
    expect(await waiting).toBe(true);
    expect((await getting).toString()).toBe('2');
    const started = Date.now();
    expect(await client.wait(['never'], 200)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    await expect(client.get('never', 100)).rejects.toThrow(/key 'never' did not appear within 100 ms/);
  });

  it('prefixes keep groups apart', async () => {
    const { server, client } = await serverAndClient('g1/');
    const plain = await TcpStoreClient.connect({ host: '127.0.0.1', port: server.port, secret });
    opened.push(plain);
    await client.set('k', 'v');
    expect((await plain.get('g1/k')).toString()).toBe('v');
    expect(await plain.tryGet('k')).toBeUndefined();
  });

  it('a client with the wrong secret is refused and counted as rejected', async () => {
    const { server } = await serverAndClient();
    await expect(
      TcpStoreClient.connect({ host: '127.0.0.1', port: server.port, secret: 'guess' }),
    ).rejects.toThrow(/refused this process's secret/);
    expect(server.rejectedConnections).toBe(1);
  });

  it('a port in use is a clear error', async () => {
    const { server } = await serverAndClient();
    await expect(TcpStoreServer.listen({ host: '127.0.0.1', port: server.port, secret })).rejects.toThrow(
      new RegExp(`port ${server.port} is in use on 127.0.0.1`),
    );
  });

  it('nothing listening: the client gives up after its connect timeout, naming the address', async () => {
    const server = await TcpStoreServer.listen({ host: '127.0.0.1', port: 0, secret });
    const port = server.port;
    await server.close();
    const error = await TcpStoreClient.connect({
      host: '127.0.0.1',
      port,
      secret,
      connectTimeoutMs: 300,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(error.message).toMatch(new RegExp(`cannot reach the store at 127.0.0.1:${port}`));
  });

  it('a request fails instead of hanging when the server goes away', async () => {
    const { server, client } = await serverAndClient();
    const pending = client.get('later', 10_000);
    await server.close();
    await expect(pending).rejects.toThrow(/closed the connection|connection error/);
    await expect(client.set('x', '1')).rejects.toThrow(StoreError);
  });
});
