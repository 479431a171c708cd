/**
 * `NerAdamW`: one fused AdamW step per parameter (torch.optim.AdamW,
 * single-tensor path), three outputs: the new parameter, first and second
 * moments. A custom kernel, so a trainer can use it through
 * `tf.engine().runKernel` without depending on this package; see
 * {@link adamwStep}.
 *
 * `NerAdamWMulti`: N such steps in one tfjs kernel call (inputs `param0, grad0, m0, v0, ...`,
 * per-tensor attribute arrays, optionally a `gradMultiplier` every gradient is multiplied by),
 * the same addon call per tensor; see {@link ADAMW_MULTI_KERNEL_NAME}.
 */
import * as tf from '@tensorflow/tfjs-core';
import { requireAddon } from '../addon.js';
import { forgetPackedWeight } from './packed-weights.js';
import { type KernelArgs, float32Of, outputArray } from './util.js';

import {
  ADAMW_GRAD_MULTIPLIER_INPUT,
  ADAMW_KERNEL_NAME,
  ADAMW_MULTI_KERNEL_NAME,
  type AdamWKernelAttrs,
  AdamWMultiInputError,
  type AdamWMultiKernelAttrs,
  adamwMultiArgs,
} from '../../../../tools/kernel-contract/index.js';

// The names and attributes are the contract @ner/trainer calls (shared with @ner/tfjs-backend-cuda).
export {
  ADAMW_GRAD_MULTIPLIER_INPUT,
  ADAMW_KERNEL_NAME,
  ADAMW_MULTI_KERNEL_NAME,
  type AdamWKernelAttrs,
  AdamWMultiInputError,
  type AdamWMultiKernelAttrs,
};

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
  const backend = args.backend;
  const inPlace = attrs.inPlace === true && owns(backend, param!) && owns(backend, m!) && owns(backend, v!);
  const outputs = runAdamW(arrays as Float32Array[], inPlace, attrs, 1);
  if (inPlace) return [];
  const shape = [...param!.shape];
  return outputs.map((values) => args.backend.makeTensorInfo(shape, 'float32', values));
}

function owns(backend: KernelArgs['backend'], t: tf.TensorInfo): boolean {
  return backend.refCount(t.dataId) === 1 && backend.data.get(t.dataId)?.values instanceof Float32Array;
}

/**
 * One addon step over `[param, grad, m, v]`, each gradient times `gradMultiplier` (a float32
 * value) first; returns the arrays written (the inputs when in place).
 */
function runAdamW(
  arrays: readonly Float32Array[],
  inPlace: boolean,
  attrs: Omit<AdamWKernelAttrs, 'inPlace'>,
  gradMultiplier: number,
): Float32Array[] {
  const [param, grad, m, v] = arrays as [Float32Array, Float32Array, Float32Array, Float32Array];
  const n = param.length;
  // In place: elementwise with each index read before it is written, so outputs may alias the
  // inputs; the param's packed GEMM copy (inference products) would go stale.
  if (inPlace) forgetPackedWeight(param);
  const outputs = inPlace ? [param, m, v] : [outputArray(n), outputArray(n), outputArray(n)];
  requireAddon().adamw(
    param,
    grad,
    m,
    v,
    outputs[0]!,
    outputs[1]!,
    outputs[2]!,
    attrs.decayFactor,
    attrs.beta1,
    attrs.beta2,
    attrs.biasCorrection2Sqrt,
    attrs.eps,
    attrs.stepSize,
    gradMultiplier,
  );
  return outputs;
}

/**
 * `NerAdamWMulti`: every tensor checked and its arrays read first ({@link AdamWMultiInputError},
 * nothing written), then one addon step per tensor, in order. In place only when every
 * param/m/v owns its array; else `3 * N` new tensors. The `gradMultiplier` is read once, before
 * any step (its value, were an in-place step to overwrite it, is the one the call was given).
 */
export function adamwMultiKernel(args: KernelArgs): tf.TensorInfo[] {
  const {
    tensors,
    inPlace: asked,
    gradMultiplier,
  } = adamwMultiArgs(args.inputs as Record<string, tf.TensorInfo | undefined>, args.attrs);
  const backend = args.backend;
  const arrays = tensors.map((group, i) =>
    (['param', 'grad', 'm', 'v'] as const).map((role) => {
      const array = float32Of(backend, group[role]);
      if (!array) {
        throw new AdamWMultiInputError(`input "${role}${i}" must be a float32 tensor`, `${role}${i}`, i);
      }
      return array;
    }),
  );
  const multiplier = gradMultiplier === null ? 1 : multiplierValue(backend, gradMultiplier);
  const inPlace =
    asked && tensors.every(({ param, m, v }) => owns(backend, param) && owns(backend, m) && owns(backend, v));
  const outputs: tf.TensorInfo[] = [];
  tensors.forEach(({ param, attrs }, i) => {
    const written = runAdamW(arrays[i]!, inPlace, attrs, multiplier);
    if (inPlace) return;
    const shape = [...param.shape];
    for (const values of written) outputs.push(backend.makeTensorInfo(shape, 'float32', values));
  });
  return outputs;
}

/** The one float32 value of the `gradMultiplier` input (checked float32 of one element by the contract). */
function multiplierValue(backend: KernelArgs['backend'], t: tf.TensorInfo): number {
  const array = float32Of(backend, t);
  if (!array) {
    throw new AdamWMultiInputError('input "gradMultiplier" must be a float32 tensor', 'gradMultiplier', null);
  }
  return array[0]!;
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
