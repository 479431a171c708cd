/**
 * Error classes of @ner/models. Every message names the file, tensor, field or
 * shape that is wrong and what was expected, so a bad checkpoint can be fixed
 * without reading our source.
 */

/** Base class: catch this to handle any error raised by @ner/models. */
export class ModelsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A safetensors file is malformed, truncated, hostile or uses an unsupported dtype. */
export class SafetensorsError extends ModelsError {}

/** A config.json is missing, not JSON, or has a field of the wrong type. */
export class ConfigError extends ModelsError {}

/**
 * A checkpoint cannot be loaded into a model: missing weight file, only a
 * `pytorch_model.bin`, or tensors whose shapes do not match the model (Python
 * raises `RuntimeError: Error(s) in loading state_dict` in that case).
 */
export class CheckpointError extends ModelsError {}

/** Inputs to `forward` have the wrong shape, dtype or values (ids out of range, bad labels). */
export class InputError extends ModelsError {}

/** No usable TensorFlow.js backend, or `NER_BACKEND` names one that is not installed. */
export class BackendError extends ModelsError {}
