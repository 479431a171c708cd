// Fuzzer findings: a JSON value nested 20,000 deep (or a huge one) in config.json or a safetensors header
// overflowed the stack while the error message was built (JSON.stringify, array toString), and some
// typed errors did not name the file. Every refusal is now the package's typed error, naming the file.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { describeValue } from '../../src/describe-value.js';
import {
  AutoModelForTokenClassification,
  BertConfig,
  CheckpointError,
  ConfigError,
  SafetensorsError,
} from '../../src/index.js';
import { jsonNestingDepth } from '../../src/json-depth.js';
import { rawSafetensors, tinyBertConfig, useHostileSetup, writeCheckpoint } from './hostile-fixtures.js';

const { folders } = useHostileSetup();

const DEPTH = 20_000;
/** An array nested `DEPTH` deep, as JSON text (JSON.parse reads it; JSON.stringify of it overflows the stack). */
const DEEP_ARRAY = `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`;
/** An object nested `DEPTH` deep, as JSON text. */
const DEEP_OBJECT = `${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`;
/**
 * Nested just within config.json's depth limit (MAX_CONFIG_JSON_DEPTH, 100): deep enough that its
 * JSON passes the 60 characters a message shows, so messages describe it as "an array".
 */
const CONFIG_DEPTH = 90;
const CONFIG_DEEP_ARRAY = `${'['.repeat(CONFIG_DEPTH)}${']'.repeat(CONFIG_DEPTH)}`;
const CONFIG_DEEP_OBJECT = `${'{"a":'.repeat(CONFIG_DEPTH)}1${'}'.repeat(CONFIG_DEPTH)}`;
/** Stands for a deep value in a patch until the config.json text is written. */
const DEEP = '@@deep-value@@';

async function loadFolder(dir: string): Promise<Error> {
  const spy = vi.spyOn(console, 'warn').mockImplementation(() => {});
  try {
    const model = await AutoModelForTokenClassification.fromPretrained(dir, { logger: { warn: () => {} } });
    model.dispose();
  } catch (error) {
    return error as Error;
  } finally {
    spy.mockRestore();
  }
  throw new Error('expected fromPretrained to throw');
}

/** Writes the tiny checkpoint with `patch` applied to config.json, `DEEP` replaced by `deepText`. */
function writeDeepConfig(patch: Record<string, unknown>, deepText: string): string {
  const dir = writeCheckpoint(folders, tinyBertConfig(), patch);
  const path = join(dir, 'config.json');
  writeFileSync(path, readFileSync(path, 'utf8').replace(JSON.stringify(DEEP), deepText));
  return dir;
}

/** Expects loading the patched tiny checkpoint to fail with a ConfigError saying `<config.json>: <message>`. */
async function expectConfigError(
  patch: Record<string, unknown>,
  message: string,
  deepText = CONFIG_DEEP_ARRAY,
) {
  const dir = writeDeepConfig(patch, deepText);
  const error = await loadFolder(dir);
  expect(error).toBeInstanceOf(ConfigError);
  expect(error.message).toBe(`${join(dir, 'config.json')}: ${message}`);
}

/** A checkpoint folder whose model.safetensors has the header `header` over `data`. */
function writeWeights(header: string, data: Uint8Array): string {
  return writeCheckpoint(folders, tinyBertConfig(), {}, rawSafetensors(header, data));
}

describe('describeValue', () => {
  it.each<[string, unknown]>([
    ['a negative number', -1],
    ['a fraction', 2.5],
    ['null', null],
    ['true', true],
    ['a short string', 'F128'],
    ['a string with quotes', 'a"b\\c'],
    ['a short array', [1, [2, 'x'], null]],
    ['a short object', { a: 1, b: [true], c: undefined }],
    ['an empty array', []],
  ])('gives what JSON.stringify gives for short values: %s', (_title, value) => {
    expect(describeValue(value)).toBe(JSON.stringify(value));
  });

  it('names a non-finite number, where JSON.stringify writes null (1e999 parses to Infinity)', () => {
    expect(describeValue(Number.NaN)).toBe('NaN');
    expect(describeValue(JSON.parse('1e999'))).toBe('Infinity');
    expect(describeValue([-Infinity, 1])).toBe('[-Infinity,1]');
  });

  it('says "undefined" for undefined', () => {
    expect(describeValue(undefined)).toBe('undefined');
  });

  it('names the kind of a value nested 20,000 deep, without recursion', () => {
    expect(describeValue(JSON.parse(DEEP_ARRAY))).toBe('an array');
    expect(describeValue(JSON.parse(DEEP_OBJECT))).toBe('an object');
  });

  it('names the kind of a value whose JSON is longer than the limit', () => {
    expect(describeValue(Array.from({ length: 1_000_000 }, () => 0))).toBe('an array');
    expect(describeValue({ key: 'x'.repeat(100) })).toBe('an object');
    expect(describeValue([1, 2, 3], 4)).toBe('an array');
  });

  it('cuts a long string to the limit and gives its length', () => {
    expect(describeValue('x'.repeat(100_000))).toBe(`"${'x'.repeat(60)}"… (100000 characters)`);
  });
});

describe('deep values in config.json are ConfigErrors naming the file and field', () => {
  it('a size field (the fuzzer case: vocab_size nested 20,000 deep)', async () => {
    await expectConfigError({ vocab_size: DEEP }, '"vocab_size" must be an integer, got an array.');
  });

  it('a string field', async () => {
    await expectConfigError(
      { hidden_act: DEEP },
      '"hidden_act" must be a string, got an object.',
      CONFIG_DEEP_OBJECT,
    );
  });

  it('a float field', async () => {
    await expectConfigError({ layer_norm_eps: DEEP }, '"layer_norm_eps" must be a number, got an array.');
  });

  it('model_type', async () => {
    await expectConfigError(
      { model_type: DEEP },
      '"model_type" must be a string, got an array; @ner/models implements "bert" and "distilbert".',
    );
  });

  it('an unsupported model_type keeps its message', async () => {
    await expectConfigError(
      { model_type: 'roberta' },
      'model_type "roberta" is not supported; @ner/models implements "bert" and "distilbert".',
    );
  });

  it('num_labels next to id2label', async () => {
    await expectConfigError({ num_labels: DEEP }, '"num_labels" must be an integer, got an array.');
  });

  it('num_labels without id2label', async () => {
    await expectConfigError(
      { num_labels: DEEP, id2label: undefined, label2id: undefined },
      '"num_labels" must be an integer, got an array.',
    );
  });

  it('problem_type', async () => {
    await expectConfigError(
      { problem_type: DEEP },
      '"problem_type" must be one of "regression", "single_label_classification", ' +
        '"multi_label_classification" or null, got an array.',
    );
  });

  it('pad_token_id', async () => {
    await expectConfigError({ pad_token_id: DEEP }, '"pad_token_id" must be an integer, got an array.');
  });

  it('torch_dtype that names no dtype loads without it, with a warning (transformers leaves it unread)', async () => {
    for (const [value, shown] of [
      [DEEP, 'an array'],
      [5, '5'],
    ] as const) {
      const dir = writeDeepConfig({ torch_dtype: value }, CONFIG_DEEP_ARRAY);
      const warned = vi.spyOn(console, 'warn').mockImplementation(() => {});
      try {
        const model = await AutoModelForTokenClassification.fromPretrained(dir, {
          logger: { warn: () => {} },
        });
        expect(model.config.torchDtype).toBeNull();
        model.dispose();
        expect(warned).toHaveBeenCalledWith(
          `${join(dir, 'config.json')}: "torch_dtype" is ${shown}, not a dtype name; it is ignored.`,
        );
      } finally {
        warned.mockRestore();
      }
    }
  });

  it('a label in id2label', async () => {
    await expectConfigError(
      { id2label: { 0: DEEP, 1: 'B-PER', 2: 'I-PER' } },
      'id2label[0] must be a string label, got an array.',
    );
  });

  it('a label2id value loads with a bounded warning, as Python loads it', async () => {
    const dir = writeDeepConfig({ label2id: { O: DEEP, 'B-PER': 1, 'I-PER': 2 } }, CONFIG_DEEP_ARRAY);
    const spy = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const model = await AutoModelForTokenClassification.fromPretrained(dir, { logger: { warn: () => {} } });
      model.dispose();
      expect(spy.mock.calls.map((call) => String(call[0]))).toContain(
        `${join(dir, 'config.json')}: "label2id" maps "O" to an array, but "id2label" has no id an array; predictions use id2label.`,
      );
    } finally {
      spy.mockRestore();
    }
  });

  it('a config built in code with a deep value gets a ConfigError too', () => {
    const deep = JSON.parse(DEEP_ARRAY) as number;
    expect(() => new BertConfig({ hiddenSize: deep }).validate()).toThrow(
      new ConfigError('config: "hidden_size" = an array is out of range; expected an integer in [1, 65536].'),
    );
  });
});

describe('jsonNestingDepth (tools/untrusted-json)', () => {
  it('counts objects and arrays, not brackets inside strings or after escapes', () => {
    expect(jsonNestingDepth('1')).toBe(0);
    expect(jsonNestingDepth('{"a": [1, {"b": []}]}')).toBe(4);
    expect(jsonNestingDepth('{"a": "[[[{{{", "b\\"": "\\"[["}')).toBe(1);
    expect(jsonNestingDepth(`${'['.repeat(20_000)}${']'.repeat(20_000)}`)).toBe(20_000);
  });
});

describe('a config.json nested deeper than its limit', () => {
  it('is a ConfigError naming the file and the depth (Python json refuses it with a RecursionError)', async () => {
    // 20,000 deep: loading it used to succeed and saving it again overflowed the stack.
    await expectConfigError(
      { label2id: { O: DEEP, 'B-PER': 1, 'I-PER': 2 } },
      'JSON nested 20002 levels deep; a config.json nests a few (limit 100).',
      DEEP_ARRAY,
    );
  });
});

describe('id2label errors name config.json', () => {
  it('a key that is not an integer id', async () => {
    await expectConfigError(
      { id2label: { '00': 'O', 1: 'B-PER', 2: 'I-PER' }, label2id: undefined },
      'id2label key "00" is not an integer id.',
    );
  });

  it('a label that is not a string', async () => {
    await expectConfigError(
      { id2label: { 0: 'O', 1: 7, 2: 'I-PER' }, label2id: undefined },
      'id2label[1] must be a string label, got 7.',
    );
  });
});

describe('deep values in a safetensors header are SafetensorsErrors naming the file and tensor', () => {
  const data = new Uint8Array(16);
  const entry = (dtype: string, shape: string) =>
    `{"w":{"dtype":${dtype},"shape":${shape},"data_offsets":[0,16]}}`;

  it('a shape entry nested 20,000 deep', async () => {
    const dir = writeWeights(entry('"F32"', `[${DEEP_ARRAY}]`), data);
    const error = await loadFolder(dir);
    expect(error).toBeInstanceOf(SafetensorsError);
    expect(error.message).toBe(
      `${join(dir, 'model.safetensors')}: tensor "w": shape[0] must be a non-negative integer, got an array.`,
    );
  });

  it('a dtype nested 20,000 deep', async () => {
    const dir = writeWeights(entry(DEEP_OBJECT, '[4]'), data);
    const error = await loadFolder(dir);
    expect(error).toBeInstanceOf(SafetensorsError);
    expect(error.message).toBe(
      `${join(dir, 'model.safetensors')}: tensor "w": "dtype" must be a string such as "F32", got an object.`,
    );
  });

  it('a 100,000-character dtype is cut in the message', async () => {
    const dir = writeWeights(entry(`"${'F'.repeat(100_000)}"`, '[4]'), data);
    const error = await loadFolder(dir);
    expect(error).toBeInstanceOf(SafetensorsError);
    expect(error.message).toBe(
      `${join(dir, 'model.safetensors')}: tensor "w": unknown dtype "${'F'.repeat(60)}"… (100000 characters).`,
    );
  });

  it('a shard name nested 20,000 deep in model.safetensors.index.json', async () => {
    const dir = writeCheckpoint(folders, tinyBertConfig());
    const index = join(dir, 'model.safetensors.index.json');
    writeFileSync(index, `{"weight_map":{"classifier.bias":${DEEP_ARRAY}}}`);
    rmSync(join(dir, 'model.safetensors'));
    const error = await loadFolder(dir);
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error.message).toBe(`${index}: weight_map names shard an array, expected a plain file name.`);
  });
});

describe('a tensor whose dtype cannot be converted names its file', () => {
  const U16 = '{"classifier.bias":{"dtype":"U16","shape":[3],"data_offsets":[0,6]}}';
  const message = (file: string) =>
    `${file}: tensor "classifier.bias" has dtype U16, which cannot be converted to float32 ` +
    '(supported: F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL).';

  it('in model.safetensors', async () => {
    const dir = writeWeights(U16, new Uint8Array(6));
    const error = await loadFolder(dir);
    expect(error).toBeInstanceOf(SafetensorsError);
    expect(error.message).toBe(message(join(dir, 'model.safetensors')));
  });

  it('in a shard', async () => {
    const dir = writeWeights(U16, new Uint8Array(6));
    const shard = join(dir, 'model-00001-of-00001.safetensors');
    renameSync(join(dir, 'model.safetensors'), shard);
    writeFileSync(
      join(dir, 'model.safetensors.index.json'),
      JSON.stringify({ weight_map: { 'classifier.bias': 'model-00001-of-00001.safetensors' } }),
    );
    const error = await loadFolder(dir);
    expect(error).toBeInstanceOf(SafetensorsError);
    expect(error.message).toBe(message(shard));
  });
});
