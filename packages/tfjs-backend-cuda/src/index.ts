/**
 * @ner/tfjs-backend-cuda: a TensorFlow.js backend named `cuda` for NVIDIA GPUs.
 */
export * from './device.js';
export * from './kernel-abi.js';
