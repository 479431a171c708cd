import type { Socket } from 'node:net';
import { CollectiveError } from '../errors.js';

/** Largest frame accepted from a peer (1 GiB): a corrupt length fails fast instead of allocating. */
export const MAX_FRAME_BYTES = 2 ** 30;

/**
 * Length-prefixed messages over a TCP socket: `u32 little-endian length,
 * bytes`. `receive()` resolves with the next whole frame in arrival order;
 * a closed or failed socket rejects every pending and later receive with a
 * message naming the peer.
 */
export class FramedSocket {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private readonly frames: Uint8Array[] = [];
  private readonly waiters: { resolve: (f: Uint8Array) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | undefined;

  constructor(
    readonly socket: Socket,
    /** Who is on the other end, for error messages (renamed once a peer says its rank). */
    public peer: string,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (data) => this.onData(data));
    socket.on('error', (error) =>
      this.fail(new CollectiveError(`${this.peer}: connection error: ${error.message}`)),
    );
    socket.on('close', () =>
      this.fail(new CollectiveError(`${this.peer} disconnected (the process exited or crashed)`)),
    );
  }

  send(payload: Uint8Array): void {
    if (this.failure) throw this.failure;
    const header = Buffer.allocUnsafe(4);
    header.writeUInt32LE(payload.length, 0);
    this.socket.write(header);
    this.socket.write(payload);
  }

  receive(): Promise<Uint8Array> {
    const frame = this.frames.shift();
    if (frame !== undefined) return Promise.resolve(frame);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  close(): void {
    this.socket.end();
  }

  private onData(data: Buffer): void {
    this.chunks.push(data);
    this.buffered += data.length;
    // Join chunks only once a whole frame has arrived: joining on every chunk would copy a
    // large frame over and over (quadratic in its size).
    while (this.buffered >= 4) {
      if (this.chunks[0]!.length < 4) this.chunks = [Buffer.concat(this.chunks)];
      const length = this.chunks[0]!.readUInt32LE(0);
      if (length > MAX_FRAME_BYTES) {
        this.fail(
          new CollectiveError(
            `${this.peer}: frame of ${length} bytes exceeds the ${MAX_FRAME_BYTES} byte limit`,
          ),
        );
        this.socket.destroy();
        return;
      }
      if (this.buffered < 4 + length) return;
      const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
      const frame = new Uint8Array(all.subarray(4, 4 + length));
      const rest = all.subarray(4 + length);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
      const waiter = this.waiters.shift();
      if (waiter) waiter.resolve(frame);
      else this.frames.push(frame);
    }
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }
}
