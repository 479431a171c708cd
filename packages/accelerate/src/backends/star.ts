/**
 * The `star` engine: every rank sends its input to rank 0 over one TCP connection, rank 0
 * computes each rank's result (collective-math.ts) and sends it back. No native code, so it
 * works wherever Node does, but rank 0's link carries everything: it is the engine of last
 * resort (`backend: 'star'`), gloo is the one to use.
 */
import { timingSafeEqual } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { CollectiveError } from '../errors.js';
import type { BackendInit, CollectiveBackend, HostArray, ReduceOp } from '../process-group/backend.js';
import { TcpStoreClient } from '../store/tcp-store-client.js';
import { concatArrays, type NumericArray, reduceArrays, scatterBlock } from './collective-math.js';
import { FramedSocket } from './framed-socket.js';

const ADDRESS_KEY = 'star/address';

/** Joins the star: rank 0 listens and publishes its address in the store, the others connect. */
export async function createStarBackend(init: BackendInit): Promise<CollectiveBackend> {
  const store = await TcpStoreClient.connect({
    ...init.store,
    connectTimeoutMs: init.timeoutMs,
    timeoutMs: init.timeoutMs,
  });
  try {
    if (init.rank === 0) {
      const host = init.bindAddress ?? init.store.host;
      const { server, peers } = await acceptPeers(init, host, (port) =>
        store.set(ADDRESS_KEY, `${host}\n${port}`),
      );
      return new StarBackend(init.rank, init.worldSize, peers, server);
    }
    const [host, port] = (await store.get(ADDRESS_KEY, init.timeoutMs)).toString('utf8').split('\n');
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: host!, port: Number(port) }, () => resolve(s));
      s.once('error', reject);
    });
    const root = new FramedSocket(socket, 'rank 0');
    const hello = Buffer.alloc(4);
    hello.writeUInt32LE(init.rank, 0);
    root.send(Buffer.concat([hello, Buffer.from(init.store.secret, 'utf8')]));
    return new StarBackend(init.rank, init.worldSize, [root]);
  } finally {
    store.close();
  }
}

function acceptPeers(
  init: BackendInit,
  host: string,
  publish: (port: number) => Promise<void>,
): Promise<{ server: Server; peers: FramedSocket[] }> {
  const secret = Buffer.from(init.store.secret, 'utf8');
  return new Promise((resolve, reject) => {
    const peers: FramedSocket[] = new Array(init.worldSize - 1);
    let joined = 0;
    const server = createServer((socket) => {
      const framed = new FramedSocket(socket, 'a joining process');
      framed.receive().then(
        (hello) => {
          const rank = hello.byteLength >= 4 ? Buffer.from(hello).readUInt32LE(0) : -1;
          const offered = Buffer.from(hello.subarray(4));
          const admitted =
            offered.length === secret.length &&
            timingSafeEqual(offered, secret) &&
            rank >= 1 &&
            rank < init.worldSize &&
            peers[rank - 1] === undefined;
          if (!admitted) {
            socket.destroy();
            return;
          }
          framed.peer = `rank ${rank}`;
          peers[rank - 1] = framed;
          joined += 1;
          if (joined === init.worldSize - 1) {
            clearTimeout(timer);
            resolve({ server, peers });
          }
        },
        () => undefined,
      );
    });
    const timer = setTimeout(() => {
      server.close();
      const missing = [...peers.keys()].filter((i) => peers[i] === undefined).map((i) => i + 1);
      reject(
        new CollectiveError(
          `star rendezvous: rank(s) ${missing.join(', ')} did not connect to rank 0 within ${init.timeoutMs} ms`,
          missing,
        ),
      );
    }, init.timeoutMs);
    server.on('error', (error) => {
      clearTimeout(timer);
      reject(new CollectiveError(`star: rank 0 cannot listen on ${host}: ${error.message}`));
    });
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      publish(port).catch((error: Error) => {
        clearTimeout(timer);
        server.close();
        reject(error);
      });
    });
  });
}

class StarBackend implements CollectiveBackend {
  readonly name = 'star' as const;
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    readonly rank: number,
    readonly worldSize: number,
    /** Rank 0: ranks 1..n-1 (index r-1); other ranks: rank 0 only. */
    private readonly peers: FramedSocket[],
    private readonly server?: Server,
  ) {}

  async allReduce(data: NumericArray, op: ReduceOp): Promise<void> {
    const result = await this.exchange(data, (inputs) => {
      const reduced = reduceArrays(inputs as NumericArray[], op);
      return inputs.map(() => reduced);
    });
    data.set(result as NumericArray);
  }

  allGather<T extends HostArray>(data: T): Promise<T> {
    return this.exchange(data, (inputs) => {
      const all = concatArrays(inputs);
      return inputs.map(() => all);
    }) as Promise<T>;
  }

  allGatherV<T extends HostArray>(data: T, _counts: readonly number[]): Promise<T> {
    return this.allGather(data);
  }

  async broadcast(data: HostArray, root: number): Promise<void> {
    const result = await this.exchange(data, (inputs) => inputs.map(() => inputs[root]!));
    data.set(result as never);
  }

  reduceScatter(data: NumericArray, counts: readonly number[], op: ReduceOp): Promise<NumericArray> {
    return this.exchange(data, (inputs) => {
      const reduced = reduceArrays(inputs as NumericArray[], op);
      return inputs.map((_, r) => scatterBlock(reduced, counts, r));
    }) as Promise<NumericArray>;
  }

  async barrier(): Promise<void> {
    await this.exchange(new Uint8Array(0), (inputs) => inputs);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const peer of this.peers) peer.close();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Runs one collective in call order: inputs to rank 0, each rank's output back. */
  private exchange(input: HostArray, compute: (inputs: HostArray[]) => HostArray[]): Promise<HostArray> {
    if (this.closed) return Promise.reject(new CollectiveError(`star: rank ${this.rank}'s group is closed`));
    const run = this.tail.then(() => this.exchangeNow(input, compute));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async exchangeNow(
    input: HostArray,
    compute: (inputs: HostArray[]) => HostArray[],
  ): Promise<HostArray> {
    const bytes = (a: HostArray) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const like = (frame: Uint8Array) => {
      const Ctor = input.constructor as new (buffer: ArrayBuffer) => HostArray;
      return new Ctor(frame.slice().buffer);
    };
    if (this.rank !== 0) {
      const root = this.peers[0]!;
      root.send(bytes(input));
      return like(await root.receive());
    }
    const frames = await Promise.all(this.peers.map((peer) => peer.receive()));
    const outputs = compute([input, ...frames.map(like)]);
    for (const [i, peer] of this.peers.entries()) peer.send(bytes(outputs[i + 1]!));
    return outputs[0]!;
  }
}
