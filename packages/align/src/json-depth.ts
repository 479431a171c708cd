/** Tokenizer files' nesting bound; the scan is shared with @ner/models (tools/json-depth). */
export { jsonNestingDepth } from '../../../tools/json-depth/index.js';

/** Deepest nesting of a tokenizer JSON file we read: tokenizer.json nests a handful of levels. */
export const MAX_TOKENIZER_JSON_DEPTH = 100;
