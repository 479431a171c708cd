/**
 * Helpers for JSON read from untrusted files, shared by @ner/models (config.json, safetensors
 * headers) and @ner/align (tokenizer files): each package imports this folder at build time and
 * tsup bundles it into its dist/, as the addon packages do with tools/native-build/build-record.ts.
 */
export { DESCRIBE_LIMIT, describeValue } from './describe-value.js';
export { jsonNestingDepth } from './json-depth.js';
