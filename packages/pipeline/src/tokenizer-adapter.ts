import { existsSync } from 'node:fs';
import { type Encoding, decodeWordPieces, loadTokenizer } from '@ner/align';
import { dirname, join } from 'node:path';
import { EntryNotFoundError, type HubOptions, LocalEntryNotFoundError, resolveFile } from '@ner/hub';
import { PipelineError, PipelineModelError } from './errors.js';
import { isLocalFolder } from './model-folder.js';
import type { PipelineTokenizer } from './pipeline-interfaces.js';
import { readTokenizerFiles } from './tokenizer-json-traits.js';
import type { PipelineEncoding } from './windows.js';

function isPipelineTokenizer(value: object): value is PipelineTokenizer {
  return typeof (value as PipelineTokenizer).encodeText === 'function' && 'traits' in value;
}

/** Wraps an already-loaded tokenizer into the shape the pipeline uses. */
export function toPipelineTokenizer(value: object): PipelineTokenizer {
  if (isPipelineTokenizer(value)) return value;
  throw new PipelineError('`tokenizer` is neither a folder/Hub id nor a loaded tokenizer with encodeText().');
}

function toEncoding(e: Encoding, shift = 0): PipelineEncoding {
  return {
    ids: [...e.inputIds],
    tokens: e.tokens(),
    offsets: e.offsets.map(([s, t]) => [s + shift, t + shift] as [number, number]),
    typeIds: [...e.tokenTypeIds],
    attentionMask: [...e.attentionMask],
    specialTokensMask: [...e.specialTokensMask],
    wordIds: e.wordIds(),
  };
}

/**
 * A {@link PipelineTokenizer} over a tokenizer folder (`tokenizer.json`, or a
 * bare `vocab.txt`), run by `@ner/align`, whose ids, word ids and offsets are
 * identical to the Rust fast tokenizers' (its offsets are already JavaScript
 * string indices). No truncation or padding: the pipeline windows and pads by itself.
 */
export async function loadTokenizerFolder(
  folder: string,
  maxPositionEmbeddings?: number,
): Promise<PipelineTokenizer> {
  if (!existsSync(join(folder, 'tokenizer.json')) && !existsSync(join(folder, 'vocab.txt'))) {
    throw new PipelineModelError(
      `No tokenizer.json or vocab.txt in ${folder}: save the tokenizer with the model (saveTokenizer / tokenizer.save_pretrained) or pass \`tokenizer\`.`,
    );
  }
  const tokenizer = await loadTokenizer(folder);
  const unk = tokenizer.unkTokenId;
  const info = readTokenizerFiles(
    folder,
    (token) => {
      const id = tokenizer.convertTokensToIds([token])[0];
      // Out-of-vocabulary tokens map to [UNK]; report them as absent.
      return id === undefined || (id === unk && tokenizer.convertIdsToTokens([unk])[0] !== token) ? null : id;
    },
    (tokens) => decodeWordPieces(tokens),
  );
  const modelMaxLength = info.modelMaxLength ?? maxPositionEmbeddings ?? 512;

  return {
    traits: info.traits,
    pad: info.pad,
    modelMaxLength,
    encodeText(text: string) {
      return toEncoding(tokenizer.encode(text));
    },
    encodeWords(words: readonly string[]) {
      // align gives offsets into each word (as Rust does for pre-split input); the
      // pipeline wants them in words.join(' '), so each is moved by its word's start.
      const encoding = toEncoding(tokenizer.encode(words, { isSplitIntoWords: true }));
      const starts: number[] = [];
      let start = 0;
      for (const word of words) {
        starts.push(start);
        start += word.length + 1;
      }
      encoding.offsets = encoding.offsets.map(([s, t], i) => {
        const w = encoding.wordIds[i];
        const shift = w === null || w === undefined ? 0 : (starts[w] ?? 0);
        return [s + shift, t + shift] as [number, number];
      });
      return encoding;
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
