/** Tokenizer files' nesting bound; the scan is shared with @ner/models (tools/untrusted-json). */
export { jsonNestingDepth } from '../../../tools/untrusted-json/index.js';

/** Deepest nesting of a tokenizer JSON file we read: tokenizer.json nests a handful of levels. */
export const MAX_TOKENIZER_JSON_DEPTH = 100;
