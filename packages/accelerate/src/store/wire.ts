/**
 * Byte-level helpers for the store protocol (see protocol.ts): a writer that builds one message
 * and a reader that parses a request from a growing buffer, telling "not all here yet" apart
 * from "malformed" so the server never allocates for a length it has not checked.
 */
import { MAX_KEY_BYTES, MAX_VALUE_BYTES } from './protocol.js';

/** Thrown by {@link WireReader} when the buffer ends before the message does. */
export class NeedMoreBytes extends Error {
  /** The buffer length the message needs at least (known so far). */
  constructor(readonly atLeast: number) {
    super(`need at least ${atLeast} bytes`);
  }
}

/** Thrown by {@link WireReader} when a length is over the protocol's limits. */
export class FieldTooLarge extends Error {}

export class WireWriter {
  private readonly parts: Buffer[] = [];

  u8(value: number): this {
    this.parts.push(Buffer.from([value]));
    return this;
  }

  u32(value: number): this {
    const b = Buffer.allocUnsafe(4);
    b.writeUInt32LE(value >>> 0, 0);
    this.parts.push(b);
    return this;
  }

  i64(value: bigint): this {
    const b = Buffer.allocUnsafe(8);
    b.writeBigInt64LE(value, 0);
    this.parts.push(b);
    return this;
  }

  /** u32 length + bytes. */
  bytes(value: Uint8Array | string): this {
    const b = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
    this.u32(b.length);
    this.parts.push(b);
    return this;
  }

  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export class WireReader {
  offset = 0;
  constructor(private readonly buffer: Buffer) {}

  private need(count: number): void {
    if (this.offset + count > this.buffer.length) throw new NeedMoreBytes(this.offset + count);
  }

  u8(): number {
    this.need(1);
    return this.buffer[this.offset++]!;
  }

  u32(): number {
    this.need(4);
    const value = this.buffer.readUInt32LE(this.offset);
    this.offset += 4;
    return value;
  }

  i64(): bigint {
    this.need(8);
    const value = this.buffer.readBigInt64LE(this.offset);
    this.offset += 8;
    return value;
  }

  /** u32 length + bytes, the length checked against `limit` before waiting for the bytes. */
  bytes(limit: number): Buffer {
    const length = this.u32();
    if (length > limit) throw new FieldTooLarge(`field of ${length} bytes is over the ${limit} byte limit`);
    this.need(length);
    const value = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  key(): string {
    return this.bytes(MAX_KEY_BYTES).toString('utf8');
  }

  value(): Buffer {
    return Buffer.from(this.bytes(MAX_VALUE_BYTES));
  }
}
