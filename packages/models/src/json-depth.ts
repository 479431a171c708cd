/** config.json's nesting bound; the scan is shared with @ner/align (tools/json-depth). */
export { jsonNestingDepth } from '../../../tools/json-depth/index.js';

/** Deepest nesting of a config.json we read: a real one nests three levels; far below the stack's limit. */
export const MAX_CONFIG_JSON_DEPTH = 100;
