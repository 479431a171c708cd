/**
 * @ner/align: WordPiece tokenization with word ids and character offsets like
 * Hugging Face fast tokenizers, and word-to-token label alignment.
 */
export { WordPieceTokenizer } from './wordpiece-tokenizer.js';
export type { WordPieceTokenizerConfig, EncodeOptions, PaddingStrategy } from './wordpiece-tokenizer.js';
export { Encoding } from './encoding.js';
export type { BatchEncoding, EncodingFields, Offset } from './encoding.js';
export { loadTokenizer, saveTokenizer, readVocabTxt, toTokenizerJson } from './load-tokenizer.js';
export { BertNormalizer } from './bert-normalizer.js';
export { isChineseChar } from './unicode-properties.js';
export type { BertNormalizerOptions, NormalizedText } from './bert-normalizer.js';
export { bertPreTokenize, isBertPunctuation } from './bert-pre-tokenizer.js';
export type { PreTokenSpan } from './bert-pre-tokenizer.js';
export { WordPiece } from './wordpiece.js';
export type { WordPieceOptions, WordPieces } from './wordpiece.js';
export { decodeWordPieces } from './wordpiece-decoder.js';
export { toCodePointOffsets, fromCodePointOffsets } from './code-point-offsets.js';
export { alignLabelsWithTokens } from './align-labels.js';
export type { AlignLabelsOptions } from './align-labels.js';
export { tokenizeAndAlignLabels } from './tokenize-and-align-labels.js';
export type { TokenizeAndAlignOptions, TokenizedColumns } from './tokenize-and-align-labels.js';
export { AlignInputError, TokenizerLoadError } from './errors.js';
