/**
 * @ner/align: the BERT WordPiece tokenizer (`Tokenizer`, alias
 * `BertTokenizerFast`) with word ids, character offsets and overflow windows
 * like Hugging Face fast tokenizers, its files (`fromPretrained` /
 * `savePretrained`), and word-to-token label alignment.
 */

export type { AlignLabelsOptions } from './align-labels.js';
export { alignLabelsWithTokens } from './align-labels.js';
export type { BertNormalizerOptions, NormalizedText } from './bert-normalizer.js';
export { BertNormalizer } from './bert-normalizer.js';
export type { PreTokenSpan } from './bert-pre-tokenizer.js';
export { bertPreTokenize, isBertPunctuation } from './bert-pre-tokenizer.js';
export { fromCodePointOffsets, toCodePointOffsets } from './code-point-offsets.js';
export type { BatchEncoding, EncodingFields, Offset } from './encoding.js';
export { Encoding } from './encoding.js';
export { AlignInputError, TokenizerLoadError } from './errors.js';
export { loadTokenizer, saveTokenizer, toTokenizerJson } from './load-tokenizer.js';
export { isLengthLimit, LARGE_INTEGER, VERY_LARGE_INTEGER } from './model-max-length.js';
export type { PaddingStrategy } from './padding.js';
export type { PretrainedOptions } from './pretrained-files.js';
export { readVocabTxt } from './pretrained-files.js';
export type { TokenizeAndAlignOptions, TokenizedColumns } from './tokenize-and-align-labels.js';
export { tokenizeAndAlignLabels } from './tokenize-and-align-labels.js';
export type { DecodeOptions, EncodeOptions, WordPieceTokenizerConfig } from './tokenizer.js';
export { BertTokenizerFast, Tokenizer, WordPieceTokenizer } from './tokenizer.js';
export { isChineseChar } from './unicode-properties.js';
export type { WordPieceOptions, WordPieces } from './wordpiece.js';
export { WordPiece } from './wordpiece.js';
export type { WordPieceDecoderOptions } from './wordpiece-decoder.js';
export { cleanUpTokenization, decodeWordPieces } from './wordpiece-decoder.js';
