import { describe, expect, it } from 'vitest';
import { MAGIC, Opcode, PROTOCOL_VERSION, Status } from '../src/store/protocol.js';

describe('store protocol constants', () => {
  it('MAGIC spells NERS in little-endian bytes', () => {
    const bytes = new Uint8Array(new Uint32Array([MAGIC]).buffer);
    expect(new TextDecoder().decode(bytes)).toBe('NERS');
    expect(PROTOCOL_VERSION).toBe(1);
  });
  it('opcodes and statuses are distinct', () => {
    expect(new Set(Object.values(Opcode)).size).toBe(Object.keys(Opcode).length);
    expect(new Set(Object.values(Status)).size).toBe(Object.keys(Status).length);
  });
});
