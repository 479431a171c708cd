import type { BertNormalizerOptions } from './bert-normalizer.js';
import { describeValue } from './describe-value.js';
import type { BatchEncoding, Encoding } from './encoding.js';
import { AlignInputError } from './errors.js';
import { checkOptionNames } from './option-names.js';
import { type PaddingStrategy, paddingLength, padEncoding } from './padding.js';
import { type BertTemplate, bertPostProcess } from './post-processor.js';
import { type PretrainedOptions, readPretrainedConfig, writePretrainedFiles } from './pretrained-files.js';
import { SequenceEncoder } from './sequence-encoder.js';
import { cutWindows, type RawSequence, truncateLongestFirst } from './truncation.js';
import { cleanUpTokenization, decodeWordPieces, type WordPieceDecoderOptions } from './wordpiece-decoder.js';

/** Everything that defines a BERT-style WordPiece tokenizer. */
export interface WordPieceTokenizerConfig {
  /** Token → id. */
  vocab: Map<string, number>;
  normalizer: BertNormalizerOptions;
  unkToken: string;
  clsToken: string;
  sepToken: string;
  padToken: string;
  maskToken: string;
  continuingSubwordPrefix: string;
  maxInputCharsPerWord: number;
  /**
   * Python's `model_max_length`: the default `maxLength` when truncating or
   * padding to `'max_length'`; {@link VERY_LARGE_INTEGER} (above
   * {@link LARGE_INTEGER}) means no limit, as in transformers.
   */
  modelMaxLength: number;
  /** The tokenizer.json WordPiece decoder's settings (default `##`, clean-up on). */
  decoder?: WordPieceDecoderOptions;
  /** tokenizer_config.json `clean_up_tokenization_spaces`: `decode` cleans up the whole string (default true). */
  cleanUpTokenizationSpaces?: boolean;
  /**
   * Tokens matched verbatim in the raw text before normalization (tokenizer.json
   * `added_tokens`; the special tokens for a bare vocab.txt). Each match is a word.
   */
  addedTokens?: readonly string[];
  /** The rest of tokenizer_config.json, kept so saving round-trips it. */
  extraConfig?: Record<string, unknown>;
}

/** Options of {@link Tokenizer.decode}. */
export interface DecodeOptions {
  /** Leave out `[CLS]`, `[SEP]`, `[PAD]`, `[UNK]`, `[MASK]` (Python `skip_special_tokens`). */
  skipSpecialTokens?: boolean;
  /**
   * Python's `clean_up_tokenization_spaces`: run `clean_up_tokenization` on the
   * decoded string (default: the tokenizer's setting, true for BERT). False gives
   * the Rust decoder's output alone.
   */
  cleanUpTokenizationSpaces?: boolean;
}

/** Options of {@link Tokenizer.encode}, camelCased from Python's `tokenizer(...)` keywords. */
export interface EncodeOptions {
  /** The input is a list of words (Python `is_split_into_words=True`). */
  isSplitIntoWords?: boolean;
  /** Wrap in `[CLS] … [SEP]` (default true). */
  addSpecialTokens?: boolean;
  /** Cut to `maxLength` (default `modelMaxLength`) tokens, special tokens included. */
  truncation?: boolean;
  maxLength?: number;
  /** Tokens shared by consecutive overflow windows. */
  stride?: number;
  /** Keep what truncation cut as extra windows (`Encoding.overflowing`, `overflowToSampleMapping`). */
  returnOverflowingTokens?: boolean;
  padding?: PaddingStrategy;
  /** Second sequence of a pair (text or words like the first); token type 1. */
  textPair?: string | readonly string[];
}

/**
 * A WordPiece tokenizer with the behaviour of Hugging Face's Rust ("fast")
 * BERT tokenizer (`BertTokenizerFast`): BertNormalizer → BertPreTokenizer →
 * WordPiece → `[CLS] $A [SEP]`, with word ids and character offsets, truncation
 * with stride (overflow) windows, padding and decoding. Load one with
 * {@link Tokenizer.fromPretrained}, save it with {@link Tokenizer.savePretrained}.
 *
 * @example
 * const tokenizer = await Tokenizer.fromPretrained('bert-base-cased');
 * tokenizer.encode(['EU', 'rejects'], { isSplitIntoWords: true }).wordIds(); // [null, 0, 1, null]
 */
export class Tokenizer {
  /** Tokenizers read offsets from their own pipeline (Python: `tokenizer.is_fast`). */
  readonly isFast = true;
  readonly config: WordPieceTokenizerConfig;
  readonly clsTokenId: number;
  readonly sepTokenId: number;
  readonly padTokenId: number;
  readonly unkTokenId: number;
  private readonly sequences: SequenceEncoder;
  private readonly template: BertTemplate;
  private readonly idToToken: string[];
  private readonly specialIds: Set<number>;

  constructor(config: WordPieceTokenizerConfig) {
    this.config = config;
    const idOf = (token: string, role: string): number => {
      const id = config.vocab.get(token);
      if (id === undefined)
        throw new AlignInputError(`${role} token ${describeValue(token)} is not in the vocabulary`);
      return id;
    };
    this.clsTokenId = idOf(config.clsToken, 'cls');
    this.sepTokenId = idOf(config.sepToken, 'sep');
    this.padTokenId = idOf(config.padToken, 'pad');
    this.unkTokenId = idOf(config.unkToken, 'unk');
    this.sequences = new SequenceEncoder(config);
    this.idToToken = [];
    for (const [token, id] of config.vocab) this.idToToken[id] = token;
    this.specialIds = new Set([this.clsTokenId, this.sepTokenId, this.padTokenId, this.unkTokenId]);
    const maskId = config.vocab.get(config.maskToken);
    if (maskId !== undefined) this.specialIds.add(maskId);
    this.template = {
      clsTokenId: this.clsTokenId,
      sepTokenId: this.sepTokenId,
      idsToTokens: (ids) => this.convertIdsToTokens(ids),
    };
  }

  /**
   * Loads a tokenizer from a folder or a Hub model id (through `@ner/hub`):
   * `tokenizer.json` when present, otherwise `vocab.txt` with the standard BERT
   * pipeline; `tokenizer_config.json` and `special_tokens_map.json` add
   * `model_max_length`, special tokens and `do_lower_case`. `modelMaxLength`
   * overrides the file's, as Python's `from_pretrained(..., model_max_length=)`.
   * Python: `AutoTokenizer.from_pretrained(idOrDir)` (fast tokenizer).
   */
  static async fromPretrained(idOrDir: string, options: PretrainedOptions = {}): Promise<Tokenizer> {
    return new Tokenizer(await readPretrainedConfig(idOrDir, options));
  }

  /**
   * Writes tokenizer.json, vocab.txt, tokenizer_config.json and
   * special_tokens_map.json as transformers 4.38 writes them (each written to a
   * temporary name and renamed). Python: `tokenizer.save_pretrained(dir)`.
   */
  async savePretrained(dir: string): Promise<void> {
    await writePretrainedFiles(this.config, dir);
  }

  /** Vocabulary size. Python: `len(tokenizer)` / `tokenizer.vocab_size`. */
  get vocabSize(): number {
    return this.config.vocab.size;
  }

  /** Python: `tokenizer.model_max_length` ({@link VERY_LARGE_INTEGER} when the files name no limit). */
  get modelMaxLength(): number {
    return this.config.modelMaxLength;
  }

  /** The pad token string. Python: `tokenizer.pad_token`. */
  get padToken(): string {
    return this.config.padToken;
  }

  /** The WordPiece continuation prefix (`##`). */
  get continuingSubwordPrefix(): string {
    return this.config.continuingSubwordPrefix;
  }

  /** Token strings → ids (`[UNK]`'s id for unknown tokens). Python: `convert_tokens_to_ids`. */
  convertTokensToIds(tokens: readonly string[]): number[] {
    return tokens.map((t) => this.config.vocab.get(t) ?? this.unkTokenId);
  }

  /** Ids → token strings. Python: `convert_ids_to_tokens`. */
  convertIdsToTokens(ids: readonly number[]): string[] {
    return ids.map((id) => {
      const token = this.idToToken[id];
      if (token === undefined)
        throw new AlignInputError(
          `token id ${describeValue(id)} is outside the vocabulary (size ${this.vocabSize})`,
        );
      return token;
    });
  }

  /**
   * Tokens → text with the tokenizer.json WordPiece decoder (`##` glued on,
   * clean-up per token). Python (fast): `tokenizer.convert_tokens_to_string`.
   */
  convertTokensToString(tokens: readonly string[]): string {
    return decodeWordPieces(tokens, {
      prefix: this.config.decoder?.prefix ?? this.config.continuingSubwordPrefix,
      cleanup: this.config.decoder?.cleanup ?? true,
    });
  }

  /**
   * Ids → text: the WordPiece decoder, then (by default, as Python for BERT)
   * `clean_up_tokenization` on the whole string. Python: `tokenizer.decode`.
   */
  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    checkOptionNames(options, 'decode');
    const kept = options.skipSpecialTokens ? ids.filter((id) => !this.specialIds.has(id)) : ids;
    const text = this.convertTokensToString(this.convertIdsToTokens(kept));
    const cleanUp = options.cleanUpTokenizationSpaces ?? this.config.cleanUpTokenizationSpaces ?? true;
    return cleanUp ? cleanUpTokenization(text) : text;
  }

  /** Tokens of a text without special tokens. Python: `tokenizer.tokenize(text)`. */
  tokenize(text: string): string[] {
    return this.convertIdsToTokens(this.sequences.encodeText(text).ids);
  }

  /**
   * Encodes one text or list of words. Python: `tokenizer(text, ...)` on a fast
   * tokenizer, reading `.input_ids`, `.word_ids()`, `.offset_mapping`...
   */
  encode(input: string | readonly string[], options: EncodeOptions = {}): Encoding {
    checkOptionNames(options, 'encode');
    return this.encodeChecked(input, options);
  }

  /** {@link encode} with option names already checked (encodeBatch checks them once per batch). */
  private encodeChecked(input: string | readonly string[], options: EncodeOptions): Encoding {
    const isSplitIntoWords = options.isSplitIntoWords ?? false;
    const addSpecialTokens = options.addSpecialTokens ?? true;
    const first = this.sequences.encode(input, isSplitIntoWords, 'input');
    const second =
      options.textPair === undefined
        ? undefined
        : this.sequences.encode(options.textPair, isSplitIntoWords, 'textPair');
    const added = addSpecialTokens ? (second ? 3 : 2) : 0;
    let windows: RawSequence[] = [first];
    let secondCut = second;
    if (options.truncation) {
      const maxLength = options.maxLength ?? this.config.modelMaxLength;
      const stride = options.stride ?? 0;
      const budget = maxLength - added;
      if (budget <= 0)
        throw new AlignInputError(`maxLength ${maxLength} leaves no room next to ${added} special tokens`);
      if (second) {
        if (options.returnOverflowingTokens) {
          throw new AlignInputError('returnOverflowingTokens with a text pair is not supported');
        }
        [windows, secondCut] = truncateLongestFirst(first, second, budget);
      } else {
        if (stride >= budget) {
          throw new AlignInputError(
            `stride ${stride} must be smaller than maxLength minus special tokens (${budget})`,
          );
        }
        windows = cutWindows(first, budget, stride);
        if (!options.returnOverflowingTokens) windows = windows.slice(0, 1);
      }
    }
    const encodings = windows.map((w) => bertPostProcess(this.template, w, secondCut, addSpecialTokens));
    const padded = this.padAll(options, encodings);
    const main = padded[0]!;
    main.overflowing = padded.slice(1);
    return main;
  }

  /**
   * Encodes several inputs. With `returnOverflowingTokens` every window is a row
   * and `overflowToSampleMapping[row]` names its input, as in Python.
   * `padding: true` pads every row to the longest row of the batch.
   */
  encodeBatch(inputs: readonly (string | readonly string[])[], options: EncodeOptions = {}): BatchEncoding {
    checkOptionNames(options, 'encode');
    const { padding, ...rest } = options;
    const rows: Encoding[] = [];
    const mapping: number[] = [];
    inputs.forEach((input, index) => {
      const encoding = this.encodeChecked(input, rest);
      for (const row of [encoding, ...encoding.overflowing]) {
        row.overflowing = [];
        rows.push(row);
        mapping.push(index);
      }
    });
    const encodings = this.padAll(options, rows);
    const batch: BatchEncoding = {
      encodings,
      inputIds: encodings.map((e) => e.inputIds),
      tokenTypeIds: encodings.map((e) => e.tokenTypeIds),
      attentionMask: encodings.map((e) => e.attentionMask),
    };
    if (options.returnOverflowingTokens) batch.overflowToSampleMapping = mapping;
    return batch;
  }

  /** Rows padded together to one length chosen by `options.padding` (rows that are long enough stay). */
  private padAll(options: EncodeOptions, rows: Encoding[]): Encoding[] {
    const length = paddingLength(options.padding, options.maxLength ?? this.config.modelMaxLength, rows);
    if (length === undefined) return rows;
    const pad = { padTokenId: this.padTokenId, padToken: this.config.padToken };
    return rows.map((row) => padEncoding(row, length, pad));
  }
}

/** transformers' name for this tokenizer class. */
export { Tokenizer as BertTokenizerFast };

/** @deprecated The old name of {@link Tokenizer}. */
export const WordPieceTokenizer = Tokenizer;
/** @deprecated The old name of {@link Tokenizer}. */
export type WordPieceTokenizer = Tokenizer;
