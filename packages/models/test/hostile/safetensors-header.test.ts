// Issue 14 item 6: a safetensors header that names a tensor twice (JSON.parse would keep the last entry)
// is refused with the file and the tensor; overlapping and out-of-order offsets stay checked.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AutoModelForTokenClassification,
  CheckpointError,
  parseSafetensors,
  readSafetensors,
  SafetensorsError,
  serializeSafetensors,
} from '../../src/index.js';
import {
  rawSafetensors,
  useHostileSetup,
  tinyBertConfig,
  tinyCheckpoint,
  writeCheckpoint,
} from './hostile-fixtures.js';

const { folders } = useHostileSetup();

/** Four float32 values: 1, 2 (first tensor) and 3, 4 (second). */
const DATA = new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer);

function parseError(header: string, data = DATA): Error {
  try {
    parseSafetensors(rawSafetensors(header, data), 'weights.safetensors');
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected parseSafetensors to throw');
}

describe('safetensors headers with repeated keys (issue 14, item 6)', () => {
  // Each pair of entries is valid on its own and together tiles the data: only the repeated name is wrong.
  const entry = (name: string, shape: number, offsets: string) =>
    `"${name}":{"dtype":"F32","shape":[${shape}],"data_offsets":[${offsets}]}`;
  it.each([
    [
      'a tensor named twice is refused, naming the file and the tensor (not last-one-wins)',
      `{${entry('w', 2, '0,8')},${entry('w', 2, '8,16')}}`,
    ],
    [
      'a tensor named twice with the same offsets is refused too',
      `{${entry('w', 4, '0,16')},${entry('w', 4, '0,16')}}`,
    ],
    [
      'the same name spelled with a JSON escape is the same tensor',
      `{${entry('w', 2, '0,8')},${entry('\\u0077', 2, '8,16')}}`,
    ],
  ])('%s', (_title, header) => {
    const error = parseError(header);
    expect(error).toBeInstanceOf(SafetensorsError);
    expect(error.message).toBe(
      'weights.safetensors: tensor "w" appears twice in the header; each tensor name must be unique.',
    );
  });

  it('a key repeated inside a tensor entry is refused, naming the tensor and key', () => {
    const error = parseError('{"w":{"dtype":"F16","dtype":"F32","shape":[4],"data_offsets":[0,16]}}');
    expect(error).toBeInstanceOf(SafetensorsError);
    expect(error.message).toBe('weights.safetensors: tensor "w": key "dtype" appears twice in the header.');
  });

  it('a key repeated in __metadata__ is refused', () => {
    const error = parseError(
      '{"__metadata__":{"format":"pt","format":"tf"},"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}',
    );
    expect(error).toBeInstanceOf(SafetensorsError);
    expect(error.message).toBe(
      'weights.safetensors: "__metadata__": key "format" appears twice in the header.',
    );
  });

  it('readSafetensors names the path of a file with a tensor named twice', async () => {
    const dir = folders.make();
    const path = join(dir, 'model.safetensors');
    writeFileSync(
      path,
      rawSafetensors(
        '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"w":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}',
        DATA,
      ),
    );
    await expect(readSafetensors(path)).rejects.toThrow(`${path}: tensor "w" appears twice in the header`);
  });

  it('a tensor stored in two shards of an index is refused, naming both shards', async () => {
    const config = tinyBertConfig();
    const dir = writeCheckpoint(folders, config);
    // Split the tiny checkpoint into two shards that both carry the classifier bias.
    const full = parseSafetensors(tinyCheckpoint(config));
    const names = [...full.tensors.keys()];
    const asFloat = (name: string) => {
      const entry = full.tensors.get(name)!;
      return { shape: entry.shape, data: new Float32Array(entry.bytes.slice().buffer) };
    };
    const half = Math.floor(names.length / 2);
    const first = new Map(names.slice(0, half).map((name) => [name, asFloat(name)]));
    const second = new Map(names.slice(half).map((name) => [name, asFloat(name)]));
    first.set('classifier.bias', { shape: [3], data: new Float32Array([9, 9, 9]) });
    writeFileSync(join(dir, 'model-00001-of-00002.safetensors'), serializeSafetensors(first));
    writeFileSync(join(dir, 'model-00002-of-00002.safetensors'), serializeSafetensors(second));
    const weightMap = Object.fromEntries([
      ...[...first.keys()].map((name) => [name, 'model-00001-of-00002.safetensors']),
      ...[...second.keys()].map((name) => [name, 'model-00002-of-00002.safetensors']),
    ]);
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: weightMap }));
    rmSync(join(dir, 'model.safetensors'));
    const error = await AutoModelForTokenClassification.fromPretrained(dir, {
      logger: { warn: () => {} },
    }).catch((caught: unknown) => caught as Error);
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toBe(
      `${join(dir, 'model.safetensors.index.json')}: tensor "classifier.bias" is stored in two shards, ` +
        `${join(dir, 'model-00001-of-00002.safetensors')} and ${join(dir, 'model-00002-of-00002.safetensors')}; ` +
        'each tensor must appear in exactly one.',
    );
  });
});

describe('safetensors data offsets (issue 14, item 6; already checked, kept checked)', () => {
  it('overlapping offsets are refused, naming the tensor', () => {
    const error = parseError(
      '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}',
      DATA.subarray(0, 12),
    );
    expect(error).toBeInstanceOf(SafetensorsError);
    expect(error.message).toBe(
      'weights.safetensors: tensor "b": data_offsets [4, 12] overlap the previous tensor (ends at 8).',
    );
  });

  it('out-of-order entries that tile the data load each tensor from its own bytes', () => {
    const file = parseSafetensors(
      rawSafetensors(
        '{"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}',
        DATA,
      ),
      'weights.safetensors',
    );
    const values = (name: string) => [...new Float32Array(file.tensors.get(name)!.bytes.slice().buffer)];
    expect(values('a')).toEqual([1, 2]);
    expect(values('b')).toEqual([3, 4]);
  });
});
