import { connect, createServer, type Server, type Socket } from 'node:net';
import { FramedSocket } from '../backends/framed-socket.js';
import { CollectiveError } from '../errors.js';

/** Where the processes of a run meet (torch's env:// rendezvous). */
export interface ProcessGroupOptions {
  rank: number;
  worldSize: number;
  /** Only loopback is allowed: 127.0.0.1 (or localhost). */
  masterAddr?: string;
  masterPort?: number;
  /** How long to wait for every process to join [60 s]. */
  timeoutMs?: number;
}

/**
 * Collectives between the processes of a data-parallel run over loopback
 * TCP, in a star: every rank sends to rank 0, which reduces in rank order
 * (so results are bit-identical on every rank and from run to run) and sends
 * the result back. For the handful of CPU processes of one machine this is
 * simpler than a ring and within a small factor of its bandwidth (see
 * tools/bench/trainer-allreduce.mjs).
 *
 * Every rank must call the same collectives in the same order.
 */
export class ProcessGroup {
  readonly rank: number;
  readonly worldSize: number;
  private readonly peers: FramedSocket[];
  private readonly server: Server | undefined;

  private constructor(rank: number, worldSize: number, peers: FramedSocket[], server?: Server) {
    this.rank = rank;
    this.worldSize = worldSize;
    this.peers = peers;
    this.server = server;
  }

  /** A group of one (no networking): every collective returns its input. */
  static single(): ProcessGroup {
    return new ProcessGroup(0, 1, []);
  }

  /** Reads RANK / WORLD_SIZE / MASTER_ADDR / MASTER_PORT (as set by `ner-launch`) and joins the group. */
  static async fromEnv(
    env: Readonly<Record<string, string | undefined>> = process.env,
  ): Promise<ProcessGroup> {
    const worldSize = Number(env.WORLD_SIZE ?? '1');
    if (worldSize === 1) return ProcessGroup.single();
    return ProcessGroup.connect({
      rank: Number(env.RANK ?? '0'),
      worldSize,
      masterAddr: env.MASTER_ADDR ?? '127.0.0.1',
      masterPort: Number(env.MASTER_PORT ?? '29500'),
    });
  }

  static async connect(options: ProcessGroupOptions): Promise<ProcessGroup> {
    const { rank, worldSize } = options;
    const host = options.masterAddr ?? '127.0.0.1';
    const port = options.masterPort ?? 29500;
    const timeoutMs = options.timeoutMs ?? 60_000;
    if (!Number.isInteger(worldSize) || worldSize < 1)
      throw new CollectiveError(`WORLD_SIZE must be a positive integer, got ${worldSize}`);
    if (!Number.isInteger(rank) || rank < 0 || rank >= worldSize)
      throw new CollectiveError(`RANK must be in [0, ${worldSize}), got ${rank}`);
    if (host !== '127.0.0.1' && host !== 'localhost') {
      throw new CollectiveError(`MASTER_ADDR must be 127.0.0.1 (loopback only), got ${host}`);
    }
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new CollectiveError(`MASTER_PORT must be a TCP port, got ${port}`);
    if (worldSize === 1) return ProcessGroup.single();
    return rank === 0
      ? ProcessGroup.listen(worldSize, port, timeoutMs)
      : ProcessGroup.join(rank, worldSize, port, timeoutMs);
  }

  private static listen(worldSize: number, port: number, timeoutMs: number): Promise<ProcessGroup> {
    return new Promise((resolve, reject) => {
      const peers: FramedSocket[] = new Array(worldSize - 1);
      let joined = 0;
      const server = createServer((socket) => {
        const framed = new FramedSocket(socket, 'a joining process');
        framed.receive().then(
          (hello) => {
            const peerRank = new DataView(hello.buffer, hello.byteOffset, hello.byteLength).getUint32(
              0,
              true,
            );
            if (peerRank < 1 || peerRank >= worldSize || peers[peerRank - 1] !== undefined) {
              socket.destroy();
              return;
            }
            framed.peer = `rank ${peerRank}`;
            peers[peerRank - 1] = framed;
            joined += 1;
            if (joined === worldSize - 1) {
              clearTimeout(timer);
              resolve(new ProcessGroup(0, worldSize, peers, server));
            }
          },
          () => undefined,
        );
      });
      const timer = setTimeout(() => {
        server.close();
        reject(
          new CollectiveError(
            `rank 0: only ${joined} of ${worldSize - 1} processes joined within ${timeoutMs} ms on 127.0.0.1:${port}`,
          ),
        );
      }, timeoutMs);
      server.on('error', (error) => {
        clearTimeout(timer);
        reject(new CollectiveError(`rank 0 cannot listen on 127.0.0.1:${port}: ${error.message}`));
      });
      server.listen(port, '127.0.0.1');
    });
  }

  private static async join(
    rank: number,
    worldSize: number,
    port: number,
    timeoutMs: number,
  ): Promise<ProcessGroup> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const socket = await new Promise<Socket>((resolve, reject) => {
          const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
          s.once('error', reject);
        });
        const root = new FramedSocket(socket, 'rank 0');
        const hello = new Uint8Array(4);
        new DataView(hello.buffer).setUint32(0, rank, true);
        root.send(hello);
        return new ProcessGroup(rank, worldSize, [root]);
      } catch (error) {
        if (Date.now() > deadline) {
          throw new CollectiveError(
            `rank ${rank}: cannot reach rank 0 at 127.0.0.1:${port}: ${(error as Error).message}`,
          );
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  /** Every rank's payload, in rank order, on every rank. */
  async allGather(payload: Uint8Array): Promise<Uint8Array[]> {
    if (this.worldSize === 1) return [payload];
    if (this.rank === 0) {
      const all = [payload, ...(await Promise.all(this.peers.map((peer) => peer.receive())))];
      const packed = packFrames(all);
      for (const peer of this.peers) peer.send(packed);
      return all;
    }
    const root = this.peers[0]!;
    root.send(payload);
    return unpackFrames(await root.receive(), this.worldSize);
  }

  /**
   * Element-wise sum (or mean) of a float32 buffer over all ranks. Summed in
   * float64 in rank order on rank 0, then rounded once to float32.
   */
  async allReduce(values: Float32Array, op: 'sum' | 'mean' = 'sum'): Promise<Float32Array> {
    if (this.worldSize === 1) return values;
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    if (this.rank === 0) {
      const others = await Promise.all(this.peers.map((peer) => peer.receive()));
      const sum = Float64Array.from(values);
      others.forEach((frame, i) => {
        if (frame.byteLength !== bytes.byteLength) {
          throw new CollectiveError(
            `allReduce: rank ${i + 1} sent ${frame.byteLength / 4} values, rank 0 has ${values.length}`,
          );
        }
        const other = asFloat32(frame);
        for (let j = 0; j < sum.length; j++) sum[j]! += other[j]!;
      });
      const scale = op === 'mean' ? 1 / this.worldSize : 1;
      const out = new Float32Array(sum.length);
      for (let j = 0; j < sum.length; j++) out[j] = op === 'mean' ? sum[j]! * scale : sum[j]!;
      const outBytes = new Uint8Array(out.buffer);
      for (const peer of this.peers) peer.send(outBytes);
      return out;
    }
    const root = this.peers[0]!;
    root.send(bytes);
    const frame = await root.receive();
    if (frame.byteLength !== bytes.byteLength) {
      throw new CollectiveError(
        `allReduce: rank 0 answered with ${frame.byteLength / 4} values, this rank sent ${values.length}`,
      );
    }
    return asFloat32(frame);
  }

  /** Rank `root`'s payload on every rank (only rank 0 is supported as root). */
  async broadcast(payload: Uint8Array | undefined): Promise<Uint8Array> {
    if (this.worldSize === 1) return payload ?? new Uint8Array(0);
    if (this.rank === 0) {
      if (payload === undefined) throw new CollectiveError('broadcast: rank 0 must provide the payload');
      for (const peer of this.peers) peer.send(payload);
      return payload;
    }
    return this.peers[0]!.receive();
  }

  /** Waits until every rank has reached this point (`wait_for_everyone`). */
  async barrier(): Promise<void> {
    await this.allGather(new Uint8Array(0));
  }

  /** Closes the connections. */
  async close(): Promise<void> {
    for (const peer of this.peers) peer.close();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function packFrames(frames: Uint8Array[]): Uint8Array {
  const total = frames.reduce((sum, f) => sum + f.byteLength, 4 * frames.length);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let offset = 4 * frames.length;
  frames.forEach((frame, i) => {
    view.setUint32(4 * i, frame.byteLength, true);
    out.set(frame, offset);
    offset += frame.byteLength;
  });
  return out;
}

function unpackFrames(packed: Uint8Array, count: number): Uint8Array[] {
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  const out: Uint8Array[] = [];
  let offset = 4 * count;
  for (let i = 0; i < count; i++) {
    const length = view.getUint32(4 * i, true);
    if (offset + length > packed.byteLength)
      throw new CollectiveError('allGather: truncated answer from rank 0');
    out.push(packed.slice(offset, offset + length));
    offset += length;
  }
  return out;
}

/** A float32 view of a frame, copying only when the bytes are not 4-byte aligned. */
function asFloat32(frame: Uint8Array): Float32Array {
  if (frame.byteOffset % 4 === 0)
    return new Float32Array(frame.buffer, frame.byteOffset, frame.byteLength / 4);
  return new Float32Array(frame.slice().buffer);
}
