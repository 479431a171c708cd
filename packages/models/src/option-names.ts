/** Checks of option names against what a class takes; shared with @ner/collate (tools/option-names). */
export {
  type OptionNameProblem,
  type OptionNames,
  snakeToCamel,
  type UnsupportedOption,
  unknownOptionProblem,
} from '../../../tools/option-names/index.js';
