/**
 * The optimizer kernels `@ner/trainer` calls by name (same inputs, attributes and outputs as
 * `@ner/tfjs-backend-native`'s): `NerAdamW`, one tensor's step, and `NerAdamWMulti`, every
 * tensor's step in one tfjs call and, on the device, in one launch (`ner_adamw_multi_f32`, as
 * torch's multi-tensor apply): a bert-base step has 199 weights, which were 199 launches. Both
 * update in place when asked and each state tensor owns its block. `NerAdamWMulti`'s optional
 * `gradMultiplier` (the Trainer's clipping coefficient) is read by the kernels on the device:
 * no download, and no pass over the gradients to scale them.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  ADAMW_KERNEL_NAME,
  ADAMW_MULTI_KERNEL_NAME,
  type AdamWKernelAttrs,
  adamwMultiArgs,
} from '../../../../tools/kernel-contract/index.js';
import type { CudaBackend } from '../backend.js';
import { ADAMW_SLOT, ADAMW_SLOT_BYTES } from '../kernel-abi.js';
import { float32Input } from './fused.js';
import { defineKernel } from './registry.js';
import { ptrArgs, sizeOf } from './util.js';

/**
 * Elements one block of `ner_adamw_multi_f32` updates at a time (64 per thread of 256). Small
 * enough that bert-base's weights make thousands of blocks, large enough that a block's search
 * for its tensor is a small part of its work.
 */
export const ADAMW_CHUNK_ELEMENTS = 16_384;

/** One tensor's step: its inputs, the outputs it writes (may be its own param, m, v) and scalars. */
interface AdamWStep {
  readonly param: tf.TensorInfo;
  readonly grad: tf.TensorInfo;
  readonly m: tf.TensorInfo;
  readonly v: tf.TensorInfo;
  readonly outputs: readonly tf.TensorInfo[];
  readonly attrs: AdamWKernelAttrs;
}

/** A kernel's `gradMultiplier` argument: the tensor's device address, or null (0) for none. */
function multiplierArg(backend: CudaBackend, gradMultiplier: tf.TensorInfo | null): { ptr: bigint } {
  return { ptr: gradMultiplier === null ? 0n : backend.ptrOf(gradMultiplier) };
}

defineKernel(ADAMW_KERNEL_NAME, (args) => {
  const names = ['param', 'grad', 'm', 'v'] as const;
  const [param, grad, m, v] = names.map((name) => float32Input(args, ADAMW_KERNEL_NAME, name)) as [
    tf.TensorInfo,
    tf.TensorInfo,
    tf.TensorInfo,
    tf.TensorInfo,
  ];
  for (const [i, t] of [grad, m, v].entries()) {
    if (!tf.util.arraysEqual(t.shape, param.shape)) {
      throw new Error(
        `${ADAMW_KERNEL_NAME}: input "${names[i + 1]}" has shape [${t.shape}], the parameter has [${param.shape}]`,
      );
    }
  }
  const attrs = args.attrs as unknown as AdamWKernelAttrs;
  const backend = args.backend;
  const owned = (t: tf.TensorInfo) => backend.refCount(t.dataId) === 1;
  const inPlace = attrs.inPlace === true && owned(param) && owned(m) && owned(v);
  const outputs = inPlace
    ? [param, m, v]
    : backend.makeOutputs([0, 1, 2].map(() => [param.shape, 'float32'] as const));
  launchAdamW(backend, { param, grad, m, v, outputs, attrs }, null);
  if (inPlace) for (const t of outputs) backend.wroteInPlace(t);
  return inPlace ? [] : outputs;
});

/** One `ner_adamw_f32` launch. */
function launchAdamW(backend: CudaBackend, step: AdamWStep, gradMultiplier: tf.TensorInfo | null): void {
  const { param, grad, m, v, outputs, attrs } = step;
  const n = sizeOf(param.shape);
  if (n === 0) return;
  backend.launch('ner_adamw_f32', n, [
    ...ptrArgs(backend, param, grad, m, v, ...outputs),
    { i32: n },
    { f32: attrs.decayFactor },
    { f32: attrs.beta1 },
    { f32: attrs.beta2 },
    { f32: attrs.biasCorrection2Sqrt },
    { f32: attrs.eps },
    { f32: attrs.stepSize },
    multiplierArg(backend, gradMultiplier),
  ]);
}

// N NerAdamW steps: all checked first, then all outputs made (when not in place), then one
// launch. In place only when every param/m/v owns its block, so the caller knows from the output
// count what happened to all of them.
defineKernel(ADAMW_MULTI_KERNEL_NAME, (args) => {
  const {
    tensors,
    inPlace: asked,
    gradMultiplier,
  } = adamwMultiArgs(args.inputs as Record<string, tf.TensorInfo | undefined>, args.attrs);
  const backend = args.backend;
  const owned = (t: tf.TensorInfo) => backend.refCount(t.dataId) === 1;
  const inPlace = asked && tensors.every(({ param, m, v }) => owned(param) && owned(m) && owned(v));
  const outputs = inPlace
    ? tensors.flatMap(({ param, m, v }) => [param, m, v])
    : backend.makeOutputs(
        tensors.flatMap(({ param }) => [0, 1, 2].map(() => [param.shape, 'float32'] as const)),
      );
  const steps = tensors.map(({ param, grad, m, v, attrs }, i) => ({
    param,
    grad,
    m,
    v,
    outputs: outputs.slice(3 * i, 3 * i + 3),
    attrs,
  }));
  launchAdamWMulti(backend, steps, inPlace, gradMultiplier);
  if (inPlace) for (const t of outputs) backend.wroteInPlace(t);
  return inPlace ? [] : outputs;
});

/**
 * The steps in one `ner_adamw_multi_f32` launch. Separate launches, in order, when an in-place
 * step writes memory that another step reads or writes (the same weight twice, say): one launch
 * runs its tensors at once, where the tfjs call promises them one after another. A multiplier
 * that an in-place step writes is copied first: every step reads the value the call was given,
 * as on native. (Not in place, every output is a new block, so the steps are independent.)
 */
function launchAdamWMulti(
  backend: CudaBackend,
  all: readonly AdamWStep[],
  inPlace: boolean,
  gradMultiplier: tf.TensorInfo | null,
): void {
  const steps = all.filter(({ param }) => sizeOf(param.shape) > 0);
  if (steps.length === 0) return;
  const written = inPlace ? writtenData(steps) : null;
  // Blocks of the launch's own (the multiplier's copy, the slot table), released right after:
  // anything that reuses them is queued after the launch on the one stream.
  let multiplier = gradMultiplier;
  if (multiplier !== null && written?.has(multiplier.dataId)) {
    multiplier = backend.makeOutput([1], 'float32');
    backend.device.copy(backend.ptrOf(multiplier), backend.ptrOf(gradMultiplier!), 4);
  }
  try {
    if (written !== null && !independentInPlace(steps, written)) {
      for (const step of steps) launchAdamW(backend, step, multiplier);
      return;
    }
    launchTable(backend, steps, multiplier);
  } finally {
    if (multiplier !== gradMultiplier) backend.disposeIntermediateTensorInfo(multiplier!);
  }
}

/** One `ner_adamw_multi_f32` launch over `steps` (non-empty, none writing another's data). */
function launchTable(
  backend: CudaBackend,
  steps: readonly AdamWStep[],
  multiplier: tf.TensorInfo | null,
): void {
  const { bytes, chunks } = slotTable(backend, steps);
  const slots = backend.makeOutput([bytes.byteLength / 4], 'int32');
  try {
    backend.device.upload(backend.ptrOf(slots), bytes);
    backend.launchRows('ner_adamw_multi_f32', chunks, [
      { ptr: backend.ptrOf(slots) },
      { i32: steps.length },
      { i32: chunks },
      { i32: ADAMW_CHUNK_ELEMENTS },
      multiplierArg(backend, multiplier),
    ]);
  } finally {
    backend.disposeIntermediateTensorInfo(slots);
  }
}

/**
 * The data in-place steps write (their own param, m, v), and the (last) step that writes each.
 * Tensors with the same data share a `dataId` on this backend (views included).
 */
function writtenData(steps: readonly AdamWStep[]): Map<tf.DataId, AdamWStep> {
  const writer = new Map<tf.DataId, AdamWStep>();
  for (const step of steps) for (const t of [step.param, step.m, step.v]) writer.set(t.dataId, step);
  return writer;
}

/** Whether no in-place step writes data that another step reads or writes (`written`: {@link writtenData}). */
function independentInPlace(
  steps: readonly AdamWStep[],
  written: ReadonlyMap<tf.DataId, AdamWStep>,
): boolean {
  for (const step of steps) {
    for (const t of [step.param, step.m, step.v, step.grad]) {
      const other = written.get(t.dataId);
      if (other !== undefined && other !== step) return false;
    }
  }
  return true;
}

// NerAdamWSlot (ADAMW_SLOT) in words: 11 64-bit words per slot, device addresses in words 0-6,
// then n and firstChunk as int32 words 14 and 15 and the six float32 scalars in words 16-21.
const SLOT_U64 = ADAMW_SLOT_BYTES / 8;
const SLOT_U32 = ADAMW_SLOT_BYTES / 4;
const N_WORD = ADAMW_SLOT.n / 4;
const FIRST_CHUNK_WORD = ADAMW_SLOT.firstChunk / 4;
const SCALAR_WORD = ADAMW_SLOT.decayFactor / 4;

/**
 * The table `ner_adamw_multi_f32` reads, one slot per step in order (layout: `ADAMW_SLOT`), and
 * the chunks it covers. Written through typed arrays: once per optimizer step for every weight.
 */
function slotTable(backend: CudaBackend, steps: readonly AdamWStep[]): { bytes: Uint8Array; chunks: number } {
  const buffer = new ArrayBuffer(steps.length * ADAMW_SLOT_BYTES);
  const addresses = new BigUint64Array(buffer);
  const ints = new Int32Array(buffer);
  const floats = new Float32Array(buffer);
  let chunks = 0;
  for (let t = 0; t < steps.length; t++) {
    const { param, grad, m, v, outputs, attrs } = steps[t]!;
    const a = t * SLOT_U64;
    const param0 = backend.ptrOf(param);
    const m0 = backend.ptrOf(m);
    const v0 = backend.ptrOf(v);
    addresses[a] = param0;
    addresses[a + 1] = backend.ptrOf(grad);
    addresses[a + 2] = m0;
    addresses[a + 3] = v0;
    // In place the outputs are the inputs' tensors: their addresses are known.
    addresses[a + 4] = outputs[0] === param ? param0 : backend.ptrOf(outputs[0]!);
    addresses[a + 5] = outputs[1] === m ? m0 : backend.ptrOf(outputs[1]!);
    addresses[a + 6] = outputs[2] === v ? v0 : backend.ptrOf(outputs[2]!);
    const w = t * SLOT_U32;
    const n = sizeOf(param.shape);
    ints[w + N_WORD] = n;
    ints[w + FIRST_CHUNK_WORD] = chunks;
    floats[w + SCALAR_WORD] = attrs.decayFactor;
    floats[w + SCALAR_WORD + 1] = attrs.beta1;
    floats[w + SCALAR_WORD + 2] = attrs.beta2;
    floats[w + SCALAR_WORD + 3] = attrs.biasCorrection2Sqrt;
    floats[w + SCALAR_WORD + 4] = attrs.eps;
    floats[w + SCALAR_WORD + 5] = attrs.stepSize;
    chunks += Math.ceil(n / ADAMW_CHUNK_ELEMENTS);
  }
  return { bytes: new Uint8Array(buffer), chunks };
}
