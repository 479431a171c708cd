/** Checks of option names against what a class takes; shared with @ner/collate (tools/option-names). */
export {
  assertOptionNames,
  type ListIsWhole,
  type OptionNameProblem,
  type OptionNames,
  snakeToCamel,
  type UnlistedOptions,
  type UnsupportedOption,
  unknownOptionProblem,
} from '../../../tools/option-names/index.js';
