import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EntryNotFoundError, type HubOptions, LocalEntryNotFoundError, resolveFile } from '@ner/hub';
import { PipelineError, PipelineModelError } from './errors.js';
import { isLocalFolder } from './model-folder.js';
import type { PipelineTokenizer } from './pipeline-interfaces.js';
import { readTokenizerFiles } from './tokenizer-json-traits.js';
import { codePointToUtf16Offsets } from './utf16-offsets.js';
import type { PipelineEncoding } from './windows.js';

function isPipelineTokenizer(value: object): value is PipelineTokenizer {
  return typeof (value as PipelineTokenizer).encodeText === 'function' && 'traits' in value;
}

/** Wraps an already-loaded tokenizer into the shape the pipeline uses. */
export function toPipelineTokenizer(value: object): PipelineTokenizer {
  if (isPipelineTokenizer(value)) return value;
  throw new PipelineError('`tokenizer` is neither a folder/Hub id nor a loaded tokenizer with encodeText().');
}

/** The parts of the Rust `tokenizers` binding's API we use. */
interface RustEncoding {
  getIds(): number[];
  getTokens(): string[];
  getOffsets(): number[][];
  getTypeIds(): number[];
  getAttentionMask(): number[];
  getSpecialTokensMask(): number[];
  getWordIds(): (number | null | undefined)[];
}
interface RustTokenizer {
  encode(text: string, pair?: string | null, options?: { addSpecialTokens?: boolean }): Promise<RustEncoding>;
  tokenToId(token: string): number | null;
  disableTruncation(): void;
  disablePadding(): void;
  getDecoder(): { decode(tokens: string[]): string } | null;
}

async function importRustTokenizers(): Promise<{ Tokenizer: { fromFile(path: string): RustTokenizer } }> {
  try {
    // A variable specifier keeps bundlers from inlining the native module.
    const specifier = 'tokenizers';
    const module = (await import(specifier)) as { Tokenizer?: unknown; default?: { Tokenizer?: unknown } };
    const Tokenizer = (module.Tokenizer ?? module.default?.Tokenizer) as {
      fromFile(path: string): RustTokenizer;
    };
    if (!Tokenizer) throw new Error('the module has no Tokenizer export');
    return { Tokenizer };
  } catch (error) {
    throw new PipelineError(
      `Loading tokenizer.json needs the "tokenizers" package (Hugging Face's Rust tokenizers for Node): npm install tokenizers. (${(error as Error).message})`,
    );
  }
}

function toEncoding(text: string, e: RustEncoding): PipelineEncoding {
  return {
    ids: e.getIds(),
    tokens: e.getTokens(),
    offsets: codePointToUtf16Offsets(text, e.getOffsets()),
    typeIds: e.getTypeIds(),
    attentionMask: e.getAttentionMask(),
    specialTokensMask: e.getSpecialTokensMask(),
    wordIds: e.getWordIds().map((w) => (w === undefined ? null : w)),
  };
}

/**
 * A {@link PipelineTokenizer} over a `tokenizer.json` folder, run by the Rust
 * `tokenizers` binding (the tokenizer Python's fast tokenizers use): offsets,
 * word ids and special-token masks come from it; offsets are converted to
 * JavaScript string indices. Truncation and padding saved in the file are
 * switched off, because the pipeline windows and pads by itself.
 */
export async function loadTokenizerFolder(
  folder: string,
  maxPositionEmbeddings?: number,
): Promise<PipelineTokenizer> {
  const tokenizerPath = join(folder, 'tokenizer.json');
  if (!existsSync(tokenizerPath)) {
    throw new PipelineModelError(
      `No tokenizer.json in ${folder}: save the tokenizer with the model (tokenizer.save_pretrained) or pass \`tokenizer\`.`,
    );
  }
  const { Tokenizer } = await importRustTokenizers();
  const rust = Tokenizer.fromFile(tokenizerPath);
  rust.disableTruncation();
  rust.disablePadding();
  const decoder = rust.getDecoder();
  const info = readTokenizerFiles(
    folder,
    (token) => rust.tokenToId(token) ?? null,
    (tokens) => (decoder ? decoder.decode([...tokens]) : tokens.join(' ')),
  );
  const modelMaxLength = info.modelMaxLength ?? maxPositionEmbeddings ?? 512;
  const emptyPromise = rust.encode('').then((e) => toEncoding('', e));

  return {
    traits: info.traits,
    pad: info.pad,
    modelMaxLength,
    async encodeText(text: string) {
      return toEncoding(text, await rust.encode(text));
    },
    async encodeWords(words: readonly string[]) {
      // Each word is tokenized on its own (as a pre-tokenized input is), then the
      // pieces are wrapped in the special tokens of an empty encoding and their
      // offsets moved to where the word sits in words.join(' ').
      const empty = await emptyPromise;
      const head = empty.specialTokensMask.findIndex((m) => !m);
      const split = head === -1 ? Math.ceil(empty.ids.length / 2) : head;
      const out: PipelineEncoding = {
        ids: empty.ids.slice(0, split),
        tokens: empty.tokens.slice(0, split),
        offsets: empty.offsets.slice(0, split),
        typeIds: empty.typeIds.slice(0, split),
        attentionMask: empty.attentionMask.slice(0, split),
        specialTokensMask: empty.specialTokensMask.slice(0, split),
        wordIds: empty.wordIds.slice(0, split),
      };
      let start = 0;
      for (const [w, word] of words.entries()) {
        const e = toEncoding(word, await rust.encode(word, null, { addSpecialTokens: false }));
        out.ids.push(...e.ids);
        out.tokens.push(...e.tokens);
        out.offsets.push(...e.offsets.map(([s, t]) => [s + start, t + start] as [number, number]));
        out.typeIds.push(...e.typeIds);
        out.attentionMask.push(...e.attentionMask);
        out.specialTokensMask.push(...e.specialTokensMask);
        out.wordIds.push(...e.ids.map(() => w));
        start += word.length + 1;
      }
      for (const key of Object.keys(out) as (keyof PipelineEncoding)[]) {
        (out[key] as unknown[]).push(...(empty[key] as unknown[]).slice(split));
      }
      return out;
    },
  };
}

/**
 * Loads a tokenizer from a local folder or a Hub id: for a Hub id,
 * `tokenizer.json` (and `tokenizer_config.json` when the repo has one) are
 * fetched into the huggingface_hub cache by `@ner/hub` and read from there.
 */
export async function loadPipelineTokenizer(
  idOrPath: string,
  hub: HubOptions,
  maxPositionEmbeddings?: number,
): Promise<PipelineTokenizer> {
  if (isLocalFolder(idOrPath)) return loadTokenizerFolder(idOrPath, maxPositionEmbeddings);
  const tokenizerJson = await resolveFile(idOrPath, 'tokenizer.json', hub);
  for (const optional of ['tokenizer_config.json', 'special_tokens_map.json']) {
    try {
      await resolveFile(idOrPath, optional, hub);
    } catch (error) {
      if (!(error instanceof EntryNotFoundError || error instanceof LocalEntryNotFoundError)) throw error;
    }
  }
  return loadTokenizerFolder(dirname(tokenizerJson), maxPositionEmbeddings);
}
