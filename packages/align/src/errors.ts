/** Thrown when tokenizer files are missing, malformed or describe an unsupported pipeline. */
export class TokenizerLoadError extends Error {
  override name = 'TokenizerLoadError';
}

/** Thrown for invalid arguments to encode / align calls (shape, option values). */
export class AlignInputError extends Error {
  override name = 'AlignInputError';
}
