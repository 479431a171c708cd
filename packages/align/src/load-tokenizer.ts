import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type HubOptions, resolveFile } from '@ner/hub';
import { TokenizerLoadError } from './errors.js';
import { WordPieceTokenizer, type WordPieceTokenizerConfig } from './wordpiece-tokenizer.js';

type Json = Record<string, unknown>;

function readJson(path: string): Json {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new TokenizerLoadError(`cannot read ${path}: ${(error as Error).message}`);
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

/** vocab.txt: one token per line, id = line number (as Python's `load_vocab`). */
export function readVocabTxt(path: string): Map<string, number> {
  const lines = readFileSync(path, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const vocab = new Map<string, number>();
  lines.forEach((line, id) => {
    const token = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (!vocab.has(token)) vocab.set(token, id);
  });
  if (vocab.size === 0) throw new TokenizerLoadError(`${path}: the vocabulary is empty`);
  return vocab;
}

function tokenString(value: unknown, fallback: string): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as Json).content === 'string')
    return (value as Json).content as string;
  return fallback;
}

function configFromFiles(
  tokenizerJson: Json | undefined,
  vocab: Map<string, number> | undefined,
  config: Json,
  specials: Json,
  source: string,
): WordPieceTokenizerConfig {
  const pick = (key: string, fallback: string) => tokenString(specials[key] ?? config[key], fallback);
  const maxLengthRaw = config.model_max_length;
  // Python uses a huge sentinel (1e30) when unset; keep it as "no limit".
  const modelMaxLength =
    typeof maxLengthRaw === 'number' && maxLengthRaw < 1e9 ? maxLengthRaw : Number.MAX_SAFE_INTEGER;
  const base = {
    unkToken: pick('unk_token', '[UNK]'),
    clsToken: pick('cls_token', '[CLS]'),
    sepToken: pick('sep_token', '[SEP]'),
    padToken: pick('pad_token', '[PAD]'),
    maskToken: pick('mask_token', '[MASK]'),
    modelMaxLength,
    extraConfig: config,
  };
  if (tokenizerJson) {
    const model = tokenizerJson.model as Json | undefined;
    if (model?.type !== 'WordPiece') {
      throw new TokenizerLoadError(
        `${source}: model.type is ${JSON.stringify(model?.type)}, only WordPiece is supported`,
      );
    }
    const normalizer = tokenizerJson.normalizer as Json | null | undefined;
    if (normalizer?.type !== 'BertNormalizer') {
      throw new TokenizerLoadError(
        `${source}: normalizer.type is ${JSON.stringify(normalizer?.type)}, expected BertNormalizer`,
      );
    }
    const pre = tokenizerJson.pre_tokenizer as Json | null | undefined;
    if (pre?.type !== 'BertPreTokenizer') {
      throw new TokenizerLoadError(
        `${source}: pre_tokenizer.type is ${JSON.stringify(pre?.type)}, expected BertPreTokenizer`,
      );
    }
    const vocabObject = model.vocab as Record<string, number> | undefined;
    if (!vocabObject || typeof vocabObject !== 'object')
      throw new TokenizerLoadError(`${source}: model.vocab is missing`);
    const addedTokens = Array.isArray(tokenizerJson.added_tokens)
      ? (tokenizerJson.added_tokens as Json[])
          .map((t) => t.content)
          .filter((c): c is string => typeof c === 'string')
      : undefined;
    return {
      ...base,
      ...(addedTokens ? { addedTokens } : {}),
      vocab: new Map(Object.entries(vocabObject)),
      unkToken: typeof model.unk_token === 'string' ? model.unk_token : base.unkToken,
      continuingSubwordPrefix:
        typeof model.continuing_subword_prefix === 'string' ? model.continuing_subword_prefix : '##',
      maxInputCharsPerWord:
        typeof model.max_input_chars_per_word === 'number' ? model.max_input_chars_per_word : 100,
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
 * Loads a WordPiece tokenizer from a folder or a Hub model id (through
 * `@ner/hub`): `tokenizer.json` when present, otherwise `vocab.txt` with the
 * standard BERT pipeline; `tokenizer_config.json` and `special_tokens_map.json`
 * add `model_max_length`, special tokens and `do_lower_case`.
 * Python: `AutoTokenizer.from_pretrained(pathOrHubId)` (fast tokenizer).
 */
export async function loadTokenizer(
  pathOrHubId: string,
  options: HubOptions = {},
): Promise<WordPieceTokenizer> {
  if (existsSync(pathOrHubId) && !statSync(pathOrHubId).isDirectory()) {
    throw new TokenizerLoadError(
      `${pathOrHubId} is a file; pass the folder that holds tokenizer.json or vocab.txt`,
    );
  }
  const tokenizerPath = await optionalFile(pathOrHubId, 'tokenizer.json', options);
  const vocabPath = tokenizerPath ? undefined : await optionalFile(pathOrHubId, 'vocab.txt', options);
  if (!tokenizerPath && !vocabPath) {
    throw new TokenizerLoadError(`${pathOrHubId}: found neither tokenizer.json nor vocab.txt`);
  }
  const configPath = await optionalFile(pathOrHubId, 'tokenizer_config.json', options);
  const specialsPath = await optionalFile(pathOrHubId, 'special_tokens_map.json', options);
  const config = configFromFiles(
    tokenizerPath ? readJson(tokenizerPath) : undefined,
    vocabPath ? readVocabTxt(vocabPath) : undefined,
    configPath ? readJson(configPath) : {},
    specialsPath ? readJson(specialsPath) : {},
    tokenizerPath ?? vocabPath ?? pathOrHubId,
  );
  return new WordPieceTokenizer(config);
}

/** The tokenizer.json a Rust / Python fast tokenizer reads for this configuration. */
export function toTokenizerJson(tokenizer: WordPieceTokenizer): Json {
  const c = tokenizer.config;
  const added = [...new Set([c.padToken, c.unkToken, c.clsToken, c.sepToken, c.maskToken])]
    .filter((t) => c.vocab.has(t))
    .map((content) => ({
      id: c.vocab.get(content),
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
        [c.clsToken]: { id: c.clsToken, ids: [tokenizer.clsTokenId], tokens: [c.clsToken] },
        [c.sepToken]: { id: c.sepToken, ids: [tokenizer.sepTokenId], tokens: [c.sepToken] },
      },
    },
    decoder: { type: 'WordPiece', prefix: c.continuingSubwordPrefix, cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: c.unkToken,
      continuing_subword_prefix: c.continuingSubwordPrefix,
      max_input_chars_per_word: c.maxInputCharsPerWord,
      vocab,
    },
  };
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text, 'utf8');
  await rename(tmp, path);
}

/**
 * Writes tokenizer.json, tokenizer_config.json, special_tokens_map.json and
 * vocab.txt, the files Python's `save_pretrained` writes and
 * `AutoTokenizer.from_pretrained` reads.
 */
export async function saveTokenizer(tokenizer: WordPieceTokenizer, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const c = tokenizer.config;
  const specials = {
    unk_token: c.unkToken,
    sep_token: c.sepToken,
    pad_token: c.padToken,
    cls_token: c.clsToken,
    mask_token: c.maskToken,
  };
  const config = {
    ...c.extraConfig,
    do_lower_case: c.normalizer.lowercase,
    tokenize_chinese_chars: c.normalizer.handleChineseChars,
    strip_accents: c.normalizer.stripAccents,
    ...specials,
    model_max_length: c.modelMaxLength === Number.MAX_SAFE_INTEGER ? 1e30 : c.modelMaxLength,
    tokenizer_class: (c.extraConfig?.tokenizer_class as string | undefined) ?? 'BertTokenizer',
  };
  const vocabLines = [...c.vocab].sort((a, b) => a[1] - b[1]).map(([t]) => t);
  await writeAtomic(join(dir, 'tokenizer.json'), JSON.stringify(toTokenizerJson(tokenizer)));
  await writeAtomic(join(dir, 'tokenizer_config.json'), `${JSON.stringify(config, null, 2)}\n`);
  await writeAtomic(join(dir, 'special_tokens_map.json'), `${JSON.stringify(specials, null, 2)}\n`);
  await writeAtomic(join(dir, 'vocab.txt'), `${vocabLines.join('\n')}\n`);
}
