/** Bounded descriptions of untrusted values for error messages; shared with @ner/models (tools/untrusted-json). */
export { DESCRIBE_LIMIT, describeValue } from '../../../tools/untrusted-json/index.js';
