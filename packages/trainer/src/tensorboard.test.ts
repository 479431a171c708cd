import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { crc32c, SummaryWriter } from './tensorboard.js';

// An independent reader of what TensorBoard expects: TFRecord framing with masked CRC-32C and
// Event{wall_time=1, step=2, summary=5{value=1{tag=1, simple_value=2}}}.
function mask(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

function readRecords(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const length = Number(view.getBigUint64(offset, true));
    expect(view.getUint32(offset + 8, true)).toBe(mask(crc32c(bytes.subarray(offset, offset + 8))));
    const data = bytes.subarray(offset + 12, offset + 12 + length);
    expect(view.getUint32(offset + 12 + length, true)).toBe(mask(crc32c(data)));
    out.push(data);
    offset += 16 + length;
  }
  return out;
}

function scalars(event: Uint8Array): { step: number; values: Record<string, number> } {
  const view = new DataView(event.buffer, event.byteOffset, event.byteLength);
  let i = 0;
  let step = -1;
  const values: Record<string, number> = {};
  const varint = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = event[i++]!;
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) return result;
    }
  };
  while (i < event.length) {
    const key = varint();
    const field = key >>> 3;
    if (field === 1) i += 8;
    else if (field === 2) step = varint();
    else {
      const length = varint();
      if (field === 5) {
        const end = i + length;
        while (i < end) {
          varint(); // value tag
          const valueEnd = varint() + i;
          varint(); // tag field key
          const tagLength = varint();
          const tag = new TextDecoder().decode(event.subarray(i, i + tagLength));
          i += tagLength;
          varint(); // simple_value key
          values[tag] = view.getFloat32(i, true);
          i = valueEnd;
        }
      } else i += length;
    }
  }
  return { step, values };
}

describe('TensorBoard event files', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  it('CRC-32C matches the standard check value', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
  });
  it('writes framed Event records with scalar summaries', () => {
    dir = mkdtempSync(join(tmpdir(), 'ner-tb-'));
    const writer = new SummaryWriter(dir);
    writer.addScalars(7, { 'train/loss': 0.5, 'eval/f1': 0.25 });
    const records = readRecords(readFileSync(writer.path));
    expect(records).toHaveLength(2);
    expect(new TextDecoder().decode(records[0]!)).toContain('brain.Event:2');
    expect(scalars(records[1]!)).toEqual({ step: 7, values: { 'train/loss': 0.5, 'eval/f1': 0.25 } });
  });
});
