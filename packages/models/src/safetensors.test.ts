import { readFileSync } from 'node:fs';
import { sharedPath } from '@ner/test-support';
import { describe, expect, it } from 'vitest';
import { SafetensorsError } from './errors.js';
import {
  entryToFloat32,
  entryToInt32,
  MAX_HEADER_BYTES,
  parseSafetensors,
  serializeSafetensors,
} from './safetensors.js';

/** Builds a file from a header object and raw data bytes, header padded like the reference writer. */
function buildFile(header: unknown, data: Uint8Array, declaredLength?: bigint): Uint8Array {
  const json = Buffer.from(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, declaredLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f32 = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);

/** A file of two F32 tensors, `x` then `y`, each `[length, [start, end]]`, over the float32 `values`. */
function twoTensors(
  [xLength, xOffsets]: [number, [number, number]],
  [yLength, yOffsets]: [number, [number, number]],
  values: number[],
): Uint8Array {
  return buildFile(
    {
      x: { dtype: 'F32', shape: [xLength], data_offsets: xOffsets },
      y: { dtype: 'F32', shape: [yLength], data_offsets: yOffsets },
    },
    f32(values),
  );
}

describe('serializeSafetensors', () => {
  it('writes the reference layout: metadata first, names sorted, header space-padded to 8 bytes', () => {
    const bytes = serializeSafetensors(
      new Map([
        ['b', { shape: [2], data: new Float32Array([1, 2]) }],
        ['a', { shape: [1, 1], data: new Float32Array([3]) }],
      ]),
    );
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const header = Buffer.from(bytes.subarray(8, 8 + headerLength)).toString('utf8');
    const json =
      '{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[1,1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}';
    expect(header).toBe(json.padEnd(headerLength, ' '));
    expect([...new Float32Array(bytes.slice(8 + headerLength).buffer)]).toEqual([3, 1, 2]);
  });

  it('reproduces a Python-written file byte for byte', () => {
    const path = sharedPath('oracle', 'models', 'bert-token-cls', 'model.safetensors');
    const original = readFileSync(path);
    const parsed = parseSafetensors(original, path);
    expect(parsed.metadata).toEqual({ format: 'pt' });
    const tensors = new Map(
      [...parsed.tensors].map(([name, entry]) => [
        name,
        { shape: entry.shape, data: entryToFloat32(entry, name) },
      ]),
    );
    expect(Buffer.compare(Buffer.from(serializeSafetensors(tensors)), original)).toBe(0);
  });

  it('rejects data that does not match the shape', () => {
    expect(() => serializeSafetensors({ x: { shape: [3], data: new Float32Array(2) } })).toThrow(
      /shape \[3\] has 3 elements but 2 values/,
    );
  });
});

describe('parseSafetensors', () => {
  it('round-trips values and shapes', () => {
    const bytes = serializeSafetensors({ w: { shape: [2, 2], data: new Float32Array([1.5, -2, 0, 3.25]) } });
    const file = parseSafetensors(bytes);
    const entry = file.tensors.get('w')!;
    expect(entry.shape).toEqual([2, 2]);
    expect([...entryToFloat32(entry, 'w')]).toEqual([1.5, -2, 0, 3.25]);
  });

  it('widens F16 and BF16 exactly and reads I64', () => {
    const f16 = new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001, 0xfc00]).buffer);
    const bf16 = new Uint8Array(new Uint16Array([0x3f80, 0x4049, 0xbf00]).buffer);
    const i64 = new Uint8Array(new BigInt64Array([5n, -100n]).buffer);
    const data = new Uint8Array([...f16, ...bf16, ...i64]);
    const file = parseSafetensors(
      buildFile(
        {
          h: { dtype: 'F16', shape: [5], data_offsets: [0, 10] },
          b: { dtype: 'BF16', shape: [3], data_offsets: [10, 16] },
          i: { dtype: 'I64', shape: [2], data_offsets: [16, 32] },
        },
        data,
      ),
    );
    expect([...entryToFloat32(file.tensors.get('h')!, 'h')]).toEqual([1, -2, 65504, 2 ** -24, -Infinity]);
    expect([...entryToFloat32(file.tensors.get('b')!, 'b')]).toEqual([1, 3.140625, -0.5]);
    expect([...entryToInt32(file.tensors.get('i')!, 'i')]).toEqual([5, -100]);
  });

  const cases: [string, () => Uint8Array, RegExp][] = [
    ['a file shorter than the length prefix', () => new Uint8Array(5), /5 bytes; a safetensors file starts/],
    [
      'a header length beyond the file',
      () => buildFile({}, new Uint8Array(0), 4096n),
      /header length 4096 runs past the end of the file/,
    ],
    [
      'a header length above the 100 MB cap',
      () => buildFile({}, new Uint8Array(0), BigInt(MAX_HEADER_BYTES) + 1n),
      /exceeds the 100000000-byte limit/,
    ],
    [
      'a truncated data section',
      () => buildFile({ x: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, f32([1, 2])),
      /run past the data section \(8 bytes\)/,
    ],
    [
      'overlapping offsets',
      () => twoTensors([2, [0, 8]], [2, [4, 12]], [1, 2, 3]),
      /overlap the previous tensor/,
    ],
    [
      'a gap between tensors',
      () => twoTensors([1, [0, 4]], [1, [8, 12]], [1, 2, 3]),
      /leave a gap after byte 4/,
    ],
    [
      'trailing bytes no tensor covers',
      () => buildFile({ x: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32([1, 2])),
      /cover 4 bytes but the data section has 8/,
    ],
    [
      'an unknown dtype',
      () => buildFile({ x: { dtype: 'F128', shape: [1], data_offsets: [0, 4] } }, f32([1])),
      /unknown dtype "F128"/,
    ],
    [
      'a shape that disagrees with the byte count',
      () => buildFile({ x: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32([1, 2])),
      /shape \[3\] of F32 needs 12 bytes, but data_offsets \[0, 8\] hold 8/,
    ],
    [
      'a negative dimension',
      () => buildFile({ x: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, f32([1])),
      /shape\[0\] = -1 is not a non-negative integer/,
    ],
    [
      'a huge shape',
      () => buildFile({ x: { dtype: 'F32', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 4] } }, f32([1])),
      /too large/,
    ],
    [
      'a header that is not JSON',
      () => {
        const bytes = buildFile({}, new Uint8Array(0));
        bytes[9] = 0x21;
        return bytes;
      },
      /not valid JSON/,
    ],
    [
      'a header that is not an object',
      () => buildFile([1, 2], new Uint8Array(0)),
      /does not start with "\{"/,
    ],
  ];

  it.each(cases)('rejects %s', (_label, make, message) => {
    expect(() => parseSafetensors(make(), 'bad.safetensors')).toThrow(SafetensorsError);
    expect(() => parseSafetensors(make(), 'bad.safetensors')).toThrow(message);
  });

  it('names the file in errors', () => {
    expect(() => parseSafetensors(new Uint8Array(3), '/x/model.safetensors')).toThrow(
      /^\/x\/model\.safetensors: /,
    );
  });
});
