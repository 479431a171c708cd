/** config.json's nesting bound; the scan is shared with @ner/align (tools/untrusted-json). */
export { jsonNestingDepth } from '../../../tools/untrusted-json/index.js';

/** Deepest nesting of a config.json we read: a real one nests three levels; far below the stack's limit. */
export const MAX_CONFIG_JSON_DEPTH = 100;
