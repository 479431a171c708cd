import { NeedMoreBytes } from './wire.js';

/**
 * Bytes received on a socket, joined only once a whole message can be there: joining on every
 * chunk would copy a large value over and over (quadratic in its size).
 */
export class ChunkBuffer {
  private chunks: Buffer[] = [];
  private length = 0;
  private atLeast = 1;

  push(data: Buffer): void {
    this.chunks.push(data);
    this.length += data.length;
  }

  /**
   * Runs `parse` on the buffered bytes once there are enough; returns its result and drops the
   * bytes it read, or undefined when the message is not complete yet.
   */
  take<T>(parse: (buffer: Buffer) => { value: T; used: number }): T | undefined {
    if (this.length < this.atLeast) return undefined;
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    const buffer = this.chunks[0] ?? Buffer.alloc(0);
    try {
      const { value, used } = parse(buffer);
      const rest = buffer.subarray(used);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.length = rest.length;
      this.atLeast = 1;
      return value;
    } catch (error) {
      if (error instanceof NeedMoreBytes) {
        this.atLeast = error.atLeast;
        return undefined;
      }
      throw error;
    }
  }

  get size(): number {
    return this.length;
  }
}
