import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type HubOptions, resolveFile } from '@ner/hub';
import { describeValue } from './describe-value.js';
import { TokenizerLoadError } from './errors.js';
import { jsonNestingDepth, MAX_TOKENIZER_JSON_DEPTH } from './json-depth.js';
import { parseModelMaxLength } from './model-max-length.js';
import { checkOptionNames } from './option-names.js';
import type { WordPieceTokenizerConfig } from './tokenizer.js';

/** Options of `Tokenizer.fromPretrained`: where to look on the Hub, and Python's loading overrides. */
export interface PretrainedOptions extends HubOptions {
  /** Overrides tokenizer_config.json's `model_max_length` (Python: `from_pretrained(..., model_max_length=)`). */
  modelMaxLength?: number;
}

type Json = Record<string, unknown>;

/** A file's text; a TokenizerLoadError when the path is not a readable file (a folder, say). */
function readText(path: string): string {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (error) {
    throw new TokenizerLoadError(`cannot read ${path}: ${(error as Error).message}`);
  }
  if (!isFile) throw new TokenizerLoadError(`${path} is not a file`);
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new TokenizerLoadError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

function readJson(path: string): Json {
  const text = readText(path);
  const depth = jsonNestingDepth(text);
  if (depth > MAX_TOKENIZER_JSON_DEPTH) {
    throw new TokenizerLoadError(
      `${path}: JSON nested ${depth} levels deep; tokenizer files nest a few (limit ${MAX_TOKENIZER_JSON_DEPTH})`,
    );
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new Error('not a JSON object');
    return value as Json;
  } catch (error) {
    throw new TokenizerLoadError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * vocab.txt: one token per line, id = line number (as Python's `load_vocab`). A token on several
 * lines takes its last line's id, at its first line's place in the order (Python assigns
 * `vocab[token] = index` into an OrderedDict; the Rust crate inserts into a map: last wins too).
 */
export function readVocabTxt(path: string): Map<string, number> {
  const lines = readText(path).split('\n');
  if (lines.at(-1) === '') lines.pop();
  const vocab = new Map<string, number>();
  lines.forEach((line, id) => {
    const token = line.endsWith('\r') ? line.slice(0, -1) : line;
    vocab.set(token, id);
  });
  if (vocab.size === 0) throw new TokenizerLoadError(`${path}: the vocabulary is empty`);
  return vocab;
}

/**
 * The largest token id: ids become int32 tensors (tfjs has no int64), so 2^31 - 1, below the
 * Rust `tokenizers` crate's `u32::MAX` (no real vocabulary comes near either).
 */
const MAX_TOKEN_ID = 2 ** 31 - 1;

/** Whether `value` is a token id: an integer in `0..=2^31 - 1`. */
function isTokenId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_TOKEN_ID;
}

/** A JSON file read for the special tokens (`{}` with no file name when absent). */
interface JsonFile {
  json: Json;
  path?: string;
}

/**
 * A special token of tokenizer_config.json / special_tokens_map.json: a string
 * or an AddedToken-like object `{"content": ..., ...}` (as transformers accepts);
 * absent or null gives the default.
 */
function specialToken(file: JsonFile, key: string, fallback: string): string {
  const value = file.json[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && !Array.isArray(value) && typeof (value as Json).content === 'string')
    return (value as Json).content as string;
  throw new TokenizerLoadError(
    `${file.path}: ${key} must be a string or an object with a string "content", got ${describeValue(value)}`,
  );
}

/** tokenizer.json `model.vocab`: token → id, every id an integer in `0..=2^31 - 1` (see MAX_TOKEN_ID). */
function vocabFromJson(value: unknown, source: string): Map<string, number> {
  if (value === undefined || value === null)
    throw new TokenizerLoadError(`${source}: model.vocab is missing`);
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new TokenizerLoadError(
      `${source}: model.vocab must be an object of token ids, got ${describeValue(value)}`,
    );
  }
  const vocab = new Map<string, number>();
  for (const [token, id] of Object.entries(value)) {
    if (!isTokenId(id)) {
      throw new TokenizerLoadError(
        `${source}: model.vocab[${describeValue(token)}] = ${describeValue(id)} is not a token id (an integer from 0 to 2^31 - 1)`,
      );
    }
    vocab.set(token, id);
  }
  return vocab;
}

/** tokenizer.json `added_tokens`: the content of each entry, after checking each is `{id, content}` as Rust reads it. */
function addedTokensFromJson(value: unknown, source: string): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.map((entry: unknown, i) => {
    if (
      typeof entry !== 'object' ||
      entry === null ||
      Array.isArray(entry) ||
      typeof (entry as Json).content !== 'string'
    ) {
      throw new TokenizerLoadError(`${source}: added_tokens[${i}] must be an object with a string "content"`);
    }
    const { id, content } = entry as Json;
    if (!isTokenId(id)) {
      throw new TokenizerLoadError(
        `${source}: added_tokens[${i}].id = ${describeValue(id)} is not a token id (an integer from 0 to 2^31 - 1)`,
      );
    }
    return content as string;
  });
}

/** A string field of tokenizer.json `model` (Rust: `String`), or undefined when absent. */
function optionalString(value: unknown, field: string, source: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  throw new TokenizerLoadError(`${source}: ${field} must be a string, got ${describeValue(value)}`);
}

/** tokenizer.json `model.max_input_chars_per_word` (Rust: `usize`; default 100 when absent). */
function maxInputCharsPerWord(value: unknown, source: string): number {
  if (value === undefined) return 100;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw new TokenizerLoadError(
    `${source}: model.max_input_chars_per_word = ${describeValue(value)} is not a non-negative integer`,
  );
}

function configFromFiles(
  tokenizerJson: Json | undefined,
  vocab: Map<string, number> | undefined,
  configFile: JsonFile,
  specialsFile: JsonFile,
  source: string,
): WordPieceTokenizerConfig {
  const config = configFile.json;
  // special_tokens_map.json wins over tokenizer_config.json (as transformers).
  const pick = (key: string, fallback: string) =>
    specialsFile.json[key] !== undefined && specialsFile.json[key] !== null
      ? specialToken(specialsFile, key, fallback)
      : specialToken(configFile, key, fallback);
  const base = {
    unkToken: pick('unk_token', '[UNK]'),
    clsToken: pick('cls_token', '[CLS]'),
    sepToken: pick('sep_token', '[SEP]'),
    padToken: pick('pad_token', '[PAD]'),
    maskToken: pick('mask_token', '[MASK]'),
    modelMaxLength: parseModelMaxLength(config.model_max_length),
    ...(typeof config.clean_up_tokenization_spaces === 'boolean'
      ? { cleanUpTokenizationSpaces: config.clean_up_tokenization_spaces }
      : {}),
    extraConfig: config,
  };
  if (tokenizerJson) {
    const model = tokenizerJson.model as Json | undefined;
    if (model?.type !== 'WordPiece') {
      throw new TokenizerLoadError(
        `${source}: model.type is ${describeValue(model?.type)}, only WordPiece is supported`,
      );
    }
    const normalizer = tokenizerJson.normalizer as Json | null | undefined;
    if (normalizer?.type !== 'BertNormalizer') {
      throw new TokenizerLoadError(
        `${source}: normalizer.type is ${describeValue(normalizer?.type)}, expected BertNormalizer`,
      );
    }
    const pre = tokenizerJson.pre_tokenizer as Json | null | undefined;
    if (pre?.type !== 'BertPreTokenizer') {
      throw new TokenizerLoadError(
        `${source}: pre_tokenizer.type is ${describeValue(pre?.type)}, expected BertPreTokenizer`,
      );
    }
    const vocab = vocabFromJson(model.vocab, source);
    const addedTokens = addedTokensFromJson(tokenizerJson.added_tokens, source);
    const decoder = tokenizerJson.decoder as Json | null | undefined;
    return {
      ...base,
      ...(addedTokens ? { addedTokens } : {}),
      ...(decoder?.type === 'WordPiece'
        ? {
            decoder: {
              prefix: typeof decoder.prefix === 'string' ? decoder.prefix : '##',
              cleanup: decoder.cleanup !== false,
            },
          }
        : {}),
      vocab,
      unkToken: optionalString(model.unk_token, 'model.unk_token', source) ?? base.unkToken,
      continuingSubwordPrefix:
        optionalString(model.continuing_subword_prefix, 'model.continuing_subword_prefix', source) ?? '##',
      maxInputCharsPerWord: maxInputCharsPerWord(model.max_input_chars_per_word, source),
      normalizer: {
        cleanText: normalizer.clean_text !== false,
        handleChineseChars: normalizer.handle_chinese_chars !== false,
        stripAccents: typeof normalizer.strip_accents === 'boolean' ? normalizer.strip_accents : null,
        lowercase: normalizer.lowercase !== false,
      },
    };
  }
  if (!vocab) throw new TokenizerLoadError(`${source}: neither tokenizer.json nor vocab.txt`);
  return {
    ...base,
    vocab,
    continuingSubwordPrefix: '##',
    maxInputCharsPerWord: 100,
    normalizer: {
      cleanText: true,
      handleChineseChars: config.tokenize_chinese_chars !== false,
      stripAccents: typeof config.strip_accents === 'boolean' ? config.strip_accents : null,
      lowercase: config.do_lower_case !== false,
    },
  };
}

async function optionalFile(
  pathOrHubId: string,
  name: string,
  options: HubOptions,
): Promise<string | undefined> {
  try {
    const path = await resolveFile(pathOrHubId, name, options);
    return existsSync(path) ? path : undefined;
  } catch (error) {
    const type = (error as Error).name;
    if (type === 'EntryNotFoundError' || type === 'LocalEntryNotFoundError') return undefined;
    throw error;
  }
}

/**
 * Reads the tokenizer files of a folder or Hub id (see `Tokenizer.fromPretrained`)
 * into a tokenizer configuration; each file is read and parsed once.
 */
export async function readPretrainedConfig(
  pathOrHubId: string,
  options: PretrainedOptions = {},
): Promise<WordPieceTokenizerConfig> {
  checkOptionNames(options, 'fromPretrained');
  const { modelMaxLength, ...hub } = options;
  if (existsSync(pathOrHubId) && !statSync(pathOrHubId).isDirectory()) {
    throw new TokenizerLoadError(
      `${pathOrHubId} is a file; pass the folder that holds tokenizer.json or vocab.txt`,
    );
  }
  const tokenizerPath = await optionalFile(pathOrHubId, 'tokenizer.json', hub);
  const vocabPath = tokenizerPath ? undefined : await optionalFile(pathOrHubId, 'vocab.txt', hub);
  if (!tokenizerPath && !vocabPath) {
    throw new TokenizerLoadError(`${pathOrHubId}: found neither tokenizer.json nor vocab.txt`);
  }
  const configPath = await optionalFile(pathOrHubId, 'tokenizer_config.json', hub);
  const specialsPath = await optionalFile(pathOrHubId, 'special_tokens_map.json', hub);
  const source = tokenizerPath ?? vocabPath ?? pathOrHubId;
  const config = configFromFiles(
    tokenizerPath ? readJson(tokenizerPath) : undefined,
    vocabPath ? readVocabTxt(vocabPath) : undefined,
    configPath ? { json: readJson(configPath), path: configPath } : { json: {} },
    specialsPath ? { json: readJson(specialsPath), path: specialsPath } : { json: {} },
    source,
  );
  // The Tokenizer needs these four; say which file lacks them rather than failing later.
  for (const [role, token] of [
    ['cls', config.clsToken],
    ['sep', config.sepToken],
    ['pad', config.padToken],
    ['unk', config.unkToken],
  ] as const) {
    if (!config.vocab.has(token)) {
      throw new TokenizerLoadError(
        `${source}: the ${role} token ${describeValue(token)} is not in the vocabulary`,
      );
    }
  }
  if (modelMaxLength !== undefined) {
    if (!Number.isInteger(modelMaxLength) || modelMaxLength < 1)
      throw new TokenizerLoadError(
        `modelMaxLength must be a positive integer, got ${describeValue(modelMaxLength)}`,
      );
    config.modelMaxLength = modelMaxLength;
  }
  return config;
}

/** The tokenizer.json a Rust / Python fast tokenizer reads for this configuration. */
export function tokenizerJsonOf(c: WordPieceTokenizerConfig): Json {
  const idOf = (token: string) => c.vocab.get(token);
  const added = [...new Set([c.padToken, c.unkToken, c.clsToken, c.sepToken, c.maskToken])]
    .filter((t) => c.vocab.has(t))
    .map((content) => ({
      id: idOf(content),
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    }))
    .sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
  const vocab: Record<string, number> = {};
  for (const [token, id] of [...c.vocab].sort((a, b) => a[1] - b[1])) vocab[token] = id;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: {
      type: 'BertNormalizer',
      clean_text: c.normalizer.cleanText,
      handle_chinese_chars: c.normalizer.handleChineseChars,
      strip_accents: c.normalizer.stripAccents,
      lowercase: c.normalizer.lowercase,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: c.clsToken, type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: c.sepToken, type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: c.clsToken, type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: c.sepToken, type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: c.sepToken, type_id: 1 } },
      ],
      special_tokens: {
        [c.clsToken]: { id: c.clsToken, ids: [idOf(c.clsToken)], tokens: [c.clsToken] },
        [c.sepToken]: { id: c.sepToken, ids: [idOf(c.sepToken)], tokens: [c.sepToken] },
      },
    },
    decoder: {
      type: 'WordPiece',
      prefix: c.decoder?.prefix ?? c.continuingSubwordPrefix,
      cleanup: c.decoder?.cleanup ?? true,
    },
    model: {
      type: 'WordPiece',
      unk_token: c.unkToken,
      continuing_subword_prefix: c.continuingSubwordPrefix,
      max_input_chars_per_word: c.maxInputCharsPerWord,
      vocab,
    },
  };
}

/** Object keys sorted recursively, as Python's `json.dumps(..., sort_keys=True)`. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Json)[key]);
  return out;
}

/**
 * Python's `json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n"`,
 * with `int(1e30)` written as Python's integer literal (JSON.stringify would write 1e+30).
 */
function pythonJson(value: Json): string {
  const text = JSON.stringify(sortKeys(value), null, 2);
  return `${text.replace(/("model_max_length": )1e\+30\b/, `$1${PYTHON_VERY_LARGE_INTEGER}`)}\n`;
}

/** `str(int(1e30))` in Python: the double 1e30 printed exactly. */
const PYTHON_VERY_LARGE_INTEGER = '1000000000000000019884624838656';

// tokenizer_config.json keys transformers 4.38 drops when saving (private or per-file).
const DROPPED_CONFIG_KEYS = ['name_or_path', 'special_tokens_map_file', 'tokenizer_file', 'vocab_file'];

/** tokenizer_config.json as transformers 4.38's `save_pretrained` writes it for `BertTokenizerFast`. */
export function tokenizerConfigOf(c: WordPieceTokenizerConfig): Json {
  const config: Json = { ...c.extraConfig };
  for (const key of DROPPED_CONFIG_KEYS) delete config[key];
  const addedTokensDecoder: Json = {};
  for (const entry of (tokenizerJsonOf(c).added_tokens as Json[]) ?? []) {
    const { id, ...token } = entry;
    addedTokensDecoder[String(id)] = token;
  }
  return {
    ...config,
    added_tokens_decoder: addedTokensDecoder,
    clean_up_tokenization_spaces: c.cleanUpTokenizationSpaces ?? true,
    do_lower_case: c.normalizer.lowercase,
    tokenize_chinese_chars: c.normalizer.handleChineseChars,
    strip_accents: c.normalizer.stripAccents,
    ...specialTokensMapOf(c),
    model_max_length: c.modelMaxLength,
    tokenizer_class: (c.extraConfig?.tokenizer_class as string | undefined) ?? 'BertTokenizer',
  };
}

/** special_tokens_map.json: the five BERT special tokens as strings. */
export function specialTokensMapOf(c: WordPieceTokenizerConfig): Json {
  return {
    cls_token: c.clsToken,
    mask_token: c.maskToken,
    pad_token: c.padToken,
    sep_token: c.sepToken,
    unk_token: c.unkToken,
  };
}

const VOCAB_PLACEHOLDER = '\u0000vocab\u0000';

/**
 * tokenizer.json text as the Rust `save(path, pretty=true)` writes it: two-space
 * indent, vocabulary in id order. (A JS object would list integer-like tokens
 * such as "0" or "20" first, so the vocabulary is written by hand.)
 */
function tokenizerJsonText(c: WordPieceTokenizerConfig): string {
  const json = tokenizerJsonOf(c);
  const model = json.model as Json;
  const text = JSON.stringify({ ...json, model: { ...model, vocab: VOCAB_PLACEHOLDER } }, null, 2);
  const indent = '      ';
  const entries = [...c.vocab]
    .sort((a, b) => a[1] - b[1])
    .map(([token, id]) => `${indent}${JSON.stringify(token)}: ${id}`);
  const vocab = entries.length === 0 ? '{}' : `{\n${entries.join(',\n')}\n    }`;
  return text.replace(JSON.stringify(VOCAB_PLACEHOLDER), () => vocab);
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text, 'utf8');
  await rename(tmp, path);
}

/**
 * Writes tokenizer.json (pretty, as the Rust `save` transformers calls),
 * vocab.txt (one token per line in id order), tokenizer_config.json and
 * special_tokens_map.json (sorted keys, two-space indent, trailing newline).
 */
export async function writePretrainedFiles(c: WordPieceTokenizerConfig, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const vocabLines = [...c.vocab].sort((a, b) => a[1] - b[1]).map(([t]) => t);
  await writeAtomic(join(dir, 'tokenizer.json'), tokenizerJsonText(c));
  await writeAtomic(join(dir, 'vocab.txt'), `${vocabLines.join('\n')}\n`);
  await writeAtomic(join(dir, 'tokenizer_config.json'), pythonJson(tokenizerConfigOf(c)));
  await writeAtomic(join(dir, 'special_tokens_map.json'), pythonJson(specialTokensMapOf(c)));
}
