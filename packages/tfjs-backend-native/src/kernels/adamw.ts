/**
 * `NerAdamW`: one fused AdamW step per parameter (torch.optim.AdamW,
 * single-tensor path), three outputs: the new parameter, first and second
 * moments. A custom kernel, so a trainer can use it through
 * `tf.engine().runKernel` without depending on this package; see
 * {@link adamwStep}.
 */
import * as tf from '@tensorflow/tfjs-core';
import { requireAddon } from '../addon.js';
import { forgetPackedWeight } from './packed-weights.js';
import { type KernelArgs, float32Of, outputArray } from './util.js';

import { ADAMW_KERNEL_NAME, type AdamWKernelAttrs } from '../../../../tools/kernel-contract/index.js';

// The name and attributes are the contract @ner/trainer calls (shared with @ner/tfjs-backend-cuda).
export { ADAMW_KERNEL_NAME, type AdamWKernelAttrs };

export function adamwKernel(args: KernelArgs): tf.TensorInfo[] {
  const { param, grad, m, v } = args.inputs as Record<'param' | 'grad' | 'm' | 'v', tf.TensorInfo>;
  const attrs = args.attrs as unknown as AdamWKernelAttrs;
  const arrays = [param, grad, m, v].map((t) => float32Of(args.backend, t!));
  const names = ['param', 'grad', 'm', 'v'];
  arrays.forEach((array, i) => {
    if (!array) throw new Error(`${ADAMW_KERNEL_NAME}: input "${names[i]}" must be a float32 tensor`);
  });
  for (const [i, t] of [grad, m, v].entries()) {
    if (!tf.util.arraysEqual(t!.shape, param!.shape)) {
      throw new Error(
        `${ADAMW_KERNEL_NAME}: input "${names[i + 1]}" has shape [${t!.shape}], the parameter has [${param!.shape}]`,
      );
    }
  }
  const n = arrays[0]!.length;
  const backend = args.backend;
  const owned = (t: tf.TensorInfo) =>
    backend.refCount(t.dataId) === 1 && backend.data.get(t.dataId)?.values instanceof Float32Array;
  const inPlace = attrs.inPlace === true && owned(param!) && owned(m!) && owned(v!);
  // In place: elementwise with each index read before it is written, so outputs may alias the
  // inputs; the param's packed GEMM copy (inference products) would go stale.
  if (inPlace) forgetPackedWeight(arrays[0]!);
  const outputs = inPlace
    ? [arrays[0]!, arrays[2]!, arrays[3]!]
    : [outputArray(n), outputArray(n), outputArray(n)];
  requireAddon().adamw(
    arrays[0]!,
    arrays[1]!,
    arrays[2]!,
    arrays[3]!,
    outputs[0]!,
    outputs[1]!,
    outputs[2]!,
    attrs.decayFactor,
    attrs.beta1,
    attrs.beta2,
    attrs.biasCorrection2Sqrt,
    attrs.eps,
    attrs.stepSize,
  );
  if (inPlace) return [];
  const shape = [...param!.shape];
  return outputs.map((values) => args.backend.makeTensorInfo(shape, 'float32', values));
}

/**
 * One fused AdamW step on the active backend, when it has the kernel (the
 * `native` backend); returns null elsewhere so callers keep their op-by-op
 * path. The result tensors are new; the inputs are not modified.
 */
export function adamwStep(
  param: tf.Tensor,
  grad: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  attrs: AdamWKernelAttrs,
): [tf.Tensor, tf.Tensor, tf.Tensor] | null {
  if (!tf.getKernel(ADAMW_KERNEL_NAME, tf.getBackend())) return null;
  const { inPlace: _ignored, ...copying } = attrs;
  const outputs = tf
    .engine()
    .runKernel(
      ADAMW_KERNEL_NAME,
      { param, grad, m, v },
      copying as unknown as tf.NamedAttrMap,
    ) as tf.Tensor[];
  return [outputs[0]!, outputs[1]!, outputs[2]!];
}
