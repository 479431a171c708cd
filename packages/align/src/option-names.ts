/**
 * The option names of the tokenizer and the label aligners, checked so that Python's spelling
 * or a typo is named instead of ignored: `encode(words, { is_split_into_words: true })` would
 * otherwise split each word again as text (transformers' fast tokenizers only warn "Keyword
 * arguments ... not recognized"; a typed error is our rule for bad input).
 */

import { HUB_OPTION_NAMES } from '@ner/hub';
import {
  assertOptionNames,
  type ListIsWhole,
  type OptionNames,
  type UnlistedOptions,
} from '../../../tools/option-names/index.js';
import type { AlignLabelsOptions } from './align-labels.js';
import { AlignInputError, TokenizerLoadError } from './errors.js';
import type { PretrainedOptions } from './pretrained-files.js';
import type { TokenizeAndAlignOptions } from './tokenize-and-align-labels.js';
import type { DecodeOptions, EncodeOptions } from './tokenizer.js';

const ENCODE_NAMES = [
  'isSplitIntoWords',
  'addSpecialTokens',
  'truncation',
  'maxLength',
  'stride',
  'returnOverflowingTokens',
  'padding',
  'textPair',
] as const satisfies readonly (keyof EncodeOptions)[];
const DECODE_NAMES = [
  'skipSpecialTokens',
  'cleanUpTokenizationSpaces',
] as const satisfies readonly (keyof DecodeOptions)[];
const TOKENIZE_AND_ALIGN_NAMES = [
  'textColumn',
  'labelColumn',
  'strategy',
  'labelNames',
  'maxLength',
] as const satisfies readonly (keyof TokenizeAndAlignOptions)[];
const ALIGN_NAMES = [
  'strategy',
  'labelNames',
  'ignoreIndex',
] as const satisfies readonly (keyof AlignLabelsOptions)[];
const PRETRAINED_NAMES = [
  'modelMaxLength',
  ...HUB_OPTION_NAMES,
] as const satisfies readonly (keyof PretrainedOptions)[];

/** A compile error here names an option to add to one of the lists above. */
export const alignOptionNamesAreWhole: ListIsWhole<
  | UnlistedOptions<EncodeOptions, typeof ENCODE_NAMES>
  | UnlistedOptions<DecodeOptions, typeof DECODE_NAMES>
  | UnlistedOptions<TokenizeAndAlignOptions, typeof TOKENIZE_AND_ALIGN_NAMES>
  | UnlistedOptions<AlignLabelsOptions, typeof ALIGN_NAMES>
  | UnlistedOptions<PretrainedOptions, typeof PRETRAINED_NAMES>
> = true;

const ALWAYS_THERE = 'an Encoding always has it';

/** Python tokenizer call arguments with no counterpart here, with why. */
const ENCODE_UNSUPPORTED: OptionNames['unsupported'] = {
  returnTensors: {
    reason: 'encodings are plain arrays; a collator makes the batch tensors',
    harmless: [null],
  },
  returnOffsetsMapping: { reason: `offsets: ${ALWAYS_THERE}`, harmless: [true, false] },
  returnAttentionMask: { reason: `attentionMask: ${ALWAYS_THERE}`, harmless: [true, false] },
  returnTokenTypeIds: { reason: `typeIds: ${ALWAYS_THERE}`, harmless: [true, false] },
  returnSpecialTokensMask: { reason: `specialTokensMask: ${ALWAYS_THERE}`, harmless: [true, false] },
  returnLength: { reason: 'read the length of ids', harmless: [false] },
  verbose: { reason: 'nothing is printed', harmless: [true, false] },
  padToMultipleOf: { reason: "a collator's padToMultipleOf pads batches to a multiple", harmless: [null] },
};

const NAMES = {
  encode: { known: ENCODE_NAMES, unsupported: ENCODE_UNSUPPORTED },
  decode: { known: DECODE_NAMES },
  tokenizeAndAlignLabels: { known: TOKENIZE_AND_ALIGN_NAMES },
  alignLabelsWithTokens: { known: ALIGN_NAMES },
  fromPretrained: { known: PRETRAINED_NAMES },
} as const satisfies Record<string, OptionNames>;

/**
 * Throws for the first option `fn` does not take: {@link TokenizerLoadError} for
 * `fromPretrained`, {@link AlignInputError} for the others.
 */
export function checkOptionNames(options: unknown, fn: keyof typeof NAMES): void {
  const Failure = fn === 'fromPretrained' ? TokenizerLoadError : AlignInputError;
  assertOptionNames(
    options,
    NAMES[fn],
    (name, problem) => new Failure(`${fn}: ${name ? `${name}: ` : ''}${problem}`),
  );
}
