import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeValue } from '../../src/describe-value.js';
import { AlignInputError, readVocabTxt, Tokenizer, TokenizerLoadError, WordPiece } from '../../src/index.js';
import { tempDirs } from '../temp-dirs.js';

// Tokenizer files a fuzzer (or a careless hand) can produce: each must fail with a
// TokenizerLoadError naming the file and the field, never a RangeError / TypeError,
// and never load with ids that are not token ids (integers up to 2^31 - 1: they go into int32 tensors).

const tmp = tempDirs('ner-align-hostile-files-');

type Json = Record<string, unknown>;

const TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'hello', 'world', '##s'];

/** A small valid BERT tokenizer.json (the shape the Rust `save` writes). */
function tokenizerJson(): Json {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: TOKENS.slice(0, 5).map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: null,
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(TOKENS.map((t, i) => [t, i])),
    },
  };
}

/** A folder holding `files` (objects written as JSON, strings as they are). */
function folder(files: Record<string, Json | string>): string {
  const dir = tmp();
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

/** A tokenizer.json whose `model` is changed by `edit`. */
function withModel(edit: (model: Json) => void): Json {
  const json = tokenizerJson();
  edit(json.model as Json);
  return json;
}

/** The error loading `dir` fails with (the test fails if it loads). */
async function loadError(dir: string): Promise<Error> {
  try {
    await Tokenizer.fromPretrained(dir);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`${dir} loaded`);
}

async function expectLoadError(dir: string, message: string): Promise<void> {
  const error = await loadError(dir);
  expect(error).toBeInstanceOf(TokenizerLoadError);
  expect(error.message).toBe(message);
}

/** Deep, yet within the files' nesting limit (100, with the levels around the value). */
const DEEP = 90;
const deepArray = `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`;
const deepObject = `${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}`;

/** tokenizer.json text with `"@@HOLE@@"` replaced by raw JSON (deeper than JSON.stringify can write). */
function withHole(json: Json, raw: string): string {
  return JSON.stringify(json).replace('"@@HOLE@@"', () => raw);
}

describe('hostile tokenizer files', () => {
  it('the base files load (the checks below change one thing each)', async () => {
    const tokenizer = await Tokenizer.fromPretrained(folder({ 'tokenizer.json': tokenizerJson() }));
    expect(tokenizer.encode('hello worlds').tokens()).toEqual(['[CLS]', 'hello', 'world', '##s', '[SEP]']);
  });

  it('a file nested 20,000 deep is refused at load (Python json: RecursionError), naming the depth', async () => {
    const dir = folder({
      'tokenizer.json': withHole(
        withModel((m) => (m.type = '@@HOLE@@')),
        `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
      ),
    });
    await expectLoadError(
      dir,
      `${join(dir, 'tokenizer.json')}: JSON nested 20002 levels deep; tokenizer files nest a few (limit 100)`,
    );
  });

  it('a value nested within the limit is described briefly', async () => {
    let dir = folder({
      'tokenizer.json': withHole(
        withModel((m) => (m.type = '@@HOLE@@')),
        deepArray,
      ),
    });
    await expectLoadError(
      dir,
      `${join(dir, 'tokenizer.json')}: model.type is an array, only WordPiece is supported`,
    );
    dir = folder({
      'tokenizer.json': withHole(
        withModel((m) => ((m.vocab as Json)['[CLS]'] = '@@HOLE@@')),
        deepArray,
      ),
    });
    await expectLoadError(
      dir,
      `${join(dir, 'tokenizer.json')}: model.vocab["[CLS]"] = an array is not a token id (an integer from 0 to 2^31 - 1)`,
    );
    dir = folder({
      'tokenizer.json': withHole(
        withModel((m) => ((m.vocab as Json)['[CLS]'] = '@@HOLE@@')),
        deepObject,
      ),
    });
    await expectLoadError(
      dir,
      `${join(dir, 'tokenizer.json')}: model.vocab["[CLS]"] = an object is not a token id (an integer from 0 to 2^31 - 1)`,
    );
  });

  it('long values are cut to about 60 characters', async () => {
    const dir = folder({ 'tokenizer.json': withModel((m) => (m.type = 'B'.repeat(100_000))) });
    await expectLoadError(
      dir,
      `${join(dir, 'tokenizer.json')}: model.type is "${'B'.repeat(60)}"… (100000 characters), only WordPiece is supported`,
    );
    expect(describeValue(Array.from({ length: 1e6 }, (_, i) => i))).toBe('an array');
    expect(describeValue([1, [2, '3']])).toBe('[1,[2,"3"]]');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue('[CLS]')).toBe('"[CLS]"');
  });

  it('added_tokens entries must be {content: string, id: token id}', async () => {
    const cases: [unknown, string][] = [
      [null, 'added_tokens[0] must be an object with a string "content"'],
      [['[PAD]'], 'added_tokens[0] must be an object with a string "content"'],
      [{ id: 0, content: 5 }, 'added_tokens[0] must be an object with a string "content"'],
      [
        { content: '[PAD]' },
        'added_tokens[0].id = undefined is not a token id (an integer from 0 to 2^31 - 1)',
      ],
      [
        { id: -1, content: '[PAD]' },
        'added_tokens[0].id = -1 is not a token id (an integer from 0 to 2^31 - 1)',
      ],
      [
        { id: '0', content: '[PAD]' },
        'added_tokens[0].id = "0" is not a token id (an integer from 0 to 2^31 - 1)',
      ],
      [
        { id: 2 ** 31, content: '[PAD]' },
        'added_tokens[0].id = 2147483648 is not a token id (an integer from 0 to 2^31 - 1)',
      ],
    ];
    for (const [entry, message] of cases) {
      const json = tokenizerJson();
      (json.added_tokens as unknown[])[0] = entry;
      const dir = folder({ 'tokenizer.json': json });
      await expectLoadError(dir, `${join(dir, 'tokenizer.json')}: ${message}`);
    }
  });

  it('model.vocab ids must be integers in 0..2^31-1 (int32 tensors)', async () => {
    const cases: [unknown, string][] = [
      ['x', '"x"'],
      [1.5, '1.5'],
      [-7, '-7'],
      [2 ** 31, '2147483648'],
      [null, 'null'],
    ];
    for (const [id, shown] of cases) {
      const dir = folder({ 'tokenizer.json': withModel((m) => ((m.vocab as Json)['[CLS]'] = id)) });
      await expectLoadError(
        dir,
        `${join(dir, 'tokenizer.json')}: model.vocab["[CLS]"] = ${shown} is not a token id (an integer from 0 to 2^31 - 1)`,
      );
    }
    const dir = folder({ 'tokenizer.json': withModel((m) => (m.vocab = ['[UNK]'])) });
    await expectLoadError(
      dir,
      `${join(dir, 'tokenizer.json')}: model.vocab must be an object of token ids, got ["[UNK]"]`,
    );
    // 2^31 - 1 is still an id.
    const max = await Tokenizer.fromPretrained(
      folder({ 'tokenizer.json': withModel((m) => ((m.vocab as Json).world = 2 ** 31 - 1)) }),
    );
    expect(max.encode('world').inputIds).toEqual([2, 2 ** 31 - 1, 3]);
  });

  it('a special token missing from the vocabulary names the file', async () => {
    let dir = folder({ 'tokenizer.json': withModel((m) => delete (m.vocab as Json)['[UNK]']) });
    await expectLoadError(
      dir,
      `${join(dir, 'tokenizer.json')}: the unk token "[UNK]" is not in the vocabulary`,
    );
    dir = folder({ 'tokenizer.json': tokenizerJson(), 'tokenizer_config.json': { cls_token: '<s>' } });
    await expectLoadError(
      dir,
      `${join(dir, 'tokenizer.json')}: the cls token "<s>" is not in the vocabulary`,
    );
    dir = folder({ 'vocab.txt': '[UNK]\n[CLS]\n[SEP]\nhello\n' });
    await expectLoadError(dir, `${join(dir, 'vocab.txt')}: the pad token "[PAD]" is not in the vocabulary`);
  });

  it('the Tokenizer and WordPiece constructors check the unk token with a typed error', () => {
    const vocab = new Map(TOKENS.map((t, i) => [t, i]));
    vocab.delete('[UNK]');
    const options = { vocab, unkToken: '[UNK]', continuingSubwordPrefix: '##', maxInputCharsPerWord: 100 };
    expect(() => new WordPiece(options)).toThrow(AlignInputError);
    expect(
      () =>
        new Tokenizer({
          ...options,
          clsToken: '[CLS]',
          sepToken: '[SEP]',
          padToken: '[PAD]',
          maskToken: '[MASK]',
          modelMaxLength: 512,
          normalizer: { cleanText: true, handleChineseChars: true, stripAccents: null, lowercase: true },
        }),
    ).toThrow(new AlignInputError('unk token "[UNK]" is not in the vocabulary'));
  });

  it('a token on several vocab.txt lines takes the last id, as Python load_vocab and the Rust crate', () => {
    const dir = folder({ 'vocab.txt': '[PAD]\na\n[UNK]\nb\na\n' });
    const vocab = readVocabTxt(join(dir, 'vocab.txt'));
    // OrderedDict semantics: the value is the last line's, the place the first line's.
    expect([...vocab.entries()]).toEqual([
      ['[PAD]', 0],
      ['a', 4],
      ['[UNK]', 2],
      ['b', 3],
    ]);
  });

  it('a vocab.txt or tokenizer.json that is a folder is "not a file"', async () => {
    for (const name of ['vocab.txt', 'tokenizer.json']) {
      const dir = tmp();
      mkdirSync(join(dir, name));
      await expectLoadError(dir, `${join(dir, name)} is not a file`);
    }
  });

  it('special tokens of tokenizer_config.json / special_tokens_map.json are strings or {content}', async () => {
    let dir = folder({ 'tokenizer.json': tokenizerJson(), 'tokenizer_config.json': { unk_token: 5 } });
    await expectLoadError(
      dir,
      `${join(dir, 'tokenizer_config.json')}: unk_token must be a string or an object with a string "content", got 5`,
    );
    dir = folder({
      'vocab.txt': `${TOKENS.join('\n')}\n`,
      'special_tokens_map.json': { sep_token: { content: ['[SEP]'] } },
    });
    await expectLoadError(
      dir,
      `${join(dir, 'special_tokens_map.json')}: sep_token must be a string or an object with a string "content", got {"content":["[SEP]"]}`,
    );
    // Accepted: AddedToken-like objects (as transformers writes them), and null (the default).
    const tokenizer = await Tokenizer.fromPretrained(
      folder({
        'tokenizer.json': tokenizerJson(),
        'tokenizer_config.json': {
          cls_token: { __type: 'AddedToken', content: '[CLS]', lstrip: false, special: true },
          mask_token: null,
        },
        'special_tokens_map.json': { sep_token: { content: '[SEP]' } },
      }),
    );
    expect(tokenizer.encode('hello').inputIds).toEqual([2, 5, 3]);
    expect(tokenizer.config.maskToken).toBe('[MASK]');
  });

  it('model.unk_token and model.continuing_subword_prefix are strings when present (Rust: String)', async () => {
    for (const field of ['unk_token', 'continuing_subword_prefix']) {
      const dir = folder({ 'tokenizer.json': withModel((m) => (m[field] = ['##'])) });
      await expectLoadError(
        dir,
        `${join(dir, 'tokenizer.json')}: model.${field} must be a string, got ["##"]`,
      );
    }
    // Absent, they take the defaults, as before.
    const tokenizer = await Tokenizer.fromPretrained(
      folder({
        'tokenizer.json': withModel((m) => {
          delete m.unk_token;
          delete m.continuing_subword_prefix;
        }),
      }),
    );
    expect(tokenizer.encode('hello worlds').tokens()).toEqual(['[CLS]', 'hello', 'world', '##s', '[SEP]']);
  });

  it('model.max_input_chars_per_word is a non-negative integer (Rust: usize)', async () => {
    for (const [value, shown] of [
      [-5, '-5'],
      [2.5, '2.5'],
      ['100', '"100"'],
    ] as const) {
      const dir = folder({ 'tokenizer.json': withModel((m) => (m.max_input_chars_per_word = value)) });
      await expectLoadError(
        dir,
        `${join(dir, 'tokenizer.json')}: model.max_input_chars_per_word = ${shown} is not a non-negative integer`,
      );
    }
    // 0 is a usize the Rust model accepts: every word becomes [UNK].
    const zero = await Tokenizer.fromPretrained(
      folder({ 'tokenizer.json': withModel((m) => (m.max_input_chars_per_word = 0)) }),
    );
    expect(zero.encode('hello').tokens()).toEqual(['[CLS]', '[UNK]', '[SEP]']);
  });
});
