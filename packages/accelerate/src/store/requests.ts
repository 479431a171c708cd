/** Parsing of the store's requests (protocol.ts), shared by the server and its tests. */
import { MAGIC, MAX_SECRET_BYTES, Opcode } from './protocol.js';
import { WireReader } from './wire.js';

/** Most keys one WAIT or CHECK may name (a bound on what a request can make the server hold). */
export const MAX_KEYS_PER_REQUEST = 65_536;

export type StoreRequest =
  | { op: typeof Opcode.SET; key: string; value: Buffer }
  | { op: typeof Opcode.GET; key: string; timeoutMs: number }
  | { op: typeof Opcode.ADD; key: string; delta: bigint }
  | { op: typeof Opcode.WAIT; keys: string[]; timeoutMs: number }
  | { op: typeof Opcode.COMPARE_SET; key: string; expected: Buffer; desired: Buffer }
  | { op: typeof Opcode.CHECK; keys: string[] }
  | { op: typeof Opcode.DELETE; key: string };

export interface Handshake {
  magic: number;
  version: number;
  /** Undefined when the announced length is over MAX_SECRET_BYTES. */
  secret: Buffer | undefined;
}

/** A request the server cannot serve (unknown opcode, too many keys...). */
export class BadRequest extends Error {}

export function parseHandshake(buffer: Buffer): { value: Handshake; used: number } {
  const reader = new WireReader(buffer);
  const magic = reader.u32();
  if (magic !== MAGIC) return { value: { magic, version: 0, secret: undefined }, used: reader.offset };
  const version = reader.u32();
  const length = reader.u32();
  if (length > MAX_SECRET_BYTES) return { value: { magic, version, secret: undefined }, used: reader.offset };
  reader.offset -= 4;
  const secret = Buffer.from(reader.bytes(MAX_SECRET_BYTES));
  return { value: { magic, version, secret }, used: reader.offset };
}

function keyList(reader: WireReader): string[] {
  const count = reader.u32();
  if (count > MAX_KEYS_PER_REQUEST) {
    throw new BadRequest(`${count} keys in one request (at most ${MAX_KEYS_PER_REQUEST})`);
  }
  const keys: string[] = [];
  for (let i = 0; i < count; i++) keys.push(reader.key());
  return keys;
}

export function parseRequest(buffer: Buffer): { value: StoreRequest; used: number } {
  const reader = new WireReader(buffer);
  const op = reader.u8();
  let value: StoreRequest;
  switch (op) {
    case Opcode.SET:
      value = { op, key: reader.key(), value: reader.value() };
      break;
    case Opcode.GET:
      value = { op, key: reader.key(), timeoutMs: reader.u32() };
      break;
    case Opcode.ADD:
      value = { op, key: reader.key(), delta: reader.i64() };
      break;
    case Opcode.WAIT:
      value = { op, keys: keyList(reader), timeoutMs: reader.u32() };
      break;
    case Opcode.COMPARE_SET:
      value = { op, key: reader.key(), expected: reader.value(), desired: reader.value() };
      break;
    case Opcode.CHECK:
      value = { op, keys: keyList(reader) };
      break;
    case Opcode.DELETE:
      value = { op, key: reader.key() };
      break;
    default:
      throw new BadRequest(`unknown opcode ${op}`);
  }
  return { value, used: reader.offset };
}
