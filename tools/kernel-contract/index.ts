/**
 * What the @ner tfjs backends (`@ner/tfjs-backend-cuda`, `@ner/tfjs-backend-native`) agree on, in
 * one place: the fused AdamW kernel's name and attributes (which `@ner/trainer` calls by name),
 * the shape rules of a batched matrix product, and bf16 rounding. Each backend (and `@ner/models`)
 * imports this file at build time and tsup bundles it into its dist/, so the published packages
 * stand alone.
 */

/** The name the fused AdamW kernel is registered under (torch.optim.AdamW's single-tensor step). */
export const ADAMW_KERNEL_NAME = 'NerAdamW';
/** The fused kernels @ner/models calls by name: LayerNorm and BERT's erf GELU, forward and gradient. */
export const LAYER_NORM_KERNEL = 'NerLayerNorm';
export const LAYER_NORM_GRAD_KERNEL = 'NerLayerNormGrad';
export const GELU_ERF_KERNEL = 'NerGeluErf';
export const GELU_ERF_GRAD_KERNEL = 'NerGeluErfGrad';
/**
 * Softmax's gradient over the last axis in one pass: inputs `{dy, y}` (float32, same shape; `y`
 * the softmax output), output `dx = y * (dy - sum(dy * y))` with the sum over each row, the
 * composite ops' order (the product rounded to float32 before it is summed).
 */
export const SOFTMAX_GRAD_KERNEL = 'NerSoftmaxGrad';
/** Inference only (no gradients): `x @ [Wq|Wk|Wv] + [bq|bk|bv]` in one product (inputs in @ner/models' fused-kernels.ts). */
export const QKV_PROJECTION_KERNEL = 'NerQkvProjection';
/** Inference only: scores, additive mask, softmax and context of one attention layer. */
export const SELF_ATTENTION_KERNEL = 'NerSelfAttention';
/** Inference only: Linear then erf-GELU. */
export const LINEAR_GELU_KERNEL = 'NerLinearGelu';
/** Inference only: Linear, plus the residual, then LayerNorm. */
export const LINEAR_RESIDUAL_LAYER_NORM_KERNEL = 'NerLinearResidualLayerNorm';
/** Inference only: a whole post-LayerNorm layer with erf GELU (the four kernels above in a row). */
export const ENCODER_LAYER_KERNEL = 'NerEncoderLayer';
/**
 * Inference only: BERT's / DistilBERT's embedding layer, `LayerNorm((words + token types) +
 * positions)` (DistilBERT: `words + positions`), in one kernel.
 */
export const EMBEDDINGS_KERNEL = 'NerEmbeddings';

/**
 * Inverted dropout in one kernel (training): input `{x}` (float32), attributes
 * {@link DropoutKernelAttrs}; one output `y`, float32 of `x`'s shape, with
 * `y = x * (u >= rate ? fround(1 / (1 - rate)) : 0)` (one float32 product), where `u` is exactly
 * the value the same backend's `RandomUniform` kernel draws for `seed` and `x`'s shape (`minval`
 * 0, `maxval` 1). So `y` is bit for bit that of the composite ops
 * `mul(x, mul(cast(greaterEqual(noise, rate), 'float32'), 1 / (1 - rate)))` on that backend.
 * The kernel keeps no mask: the draw depends only on `seed` and the element's index, so the
 * gradient `dy * mask` is this kernel again on `dy` with the same attributes (as FlashAttention
 * regenerates its dropout mask), and a training step holds no mask at all where PyTorch keeps a
 * byte per element. Checked with `dropoutArgs` (this file) before anything is allocated.
 */
export const DROPOUT_KERNEL_NAME = 'NerDropout';

/** Attributes of {@link DROPOUT_KERNEL_NAME}. */
export interface DropoutKernelAttrs {
  /** The probability of zeroing an element, in [0, 1). */
  readonly rate: number;
  /** The `RandomUniform` seed whose draw decides the mask (a finite number). */
  readonly seed: number;
}

/**
 * A bad call of {@link DROPOUT_KERNEL_NAME}, thrown before any allocation or launch. `input`
 * names the input (`x`) or attribute (`rate`, `seed`) at fault.
 */
export class DropoutInputError extends Error {
  override readonly name = 'DropoutInputError';
  constructor(
    message: string,
    /** The input or attribute at fault. */
    readonly input: string,
  ) {
    super(`${DROPOUT_KERNEL_NAME}: ${message}`);
  }
}

/**
 * The input and attributes of a {@link DROPOUT_KERNEL_NAME} call, checked (`x` a float32 tensor,
 * `0 <= rate < 1`, a finite `seed`), with the float32 scale `fround(1 / (1 - rate))` the composite
 * ops multiply by. Throws {@link DropoutInputError} naming the kernel and the input.
 */
export function dropoutArgs<T extends { readonly shape: readonly number[]; readonly dtype: string }>(
  inputs: Readonly<Record<string, T | undefined>>,
  attrs: unknown,
): { x: T; rate: number; seed: number; scale: number } {
  const x = inputs.x;
  if (x === undefined || x === null) throw new DropoutInputError('input "x" is missing', 'x');
  if (x.dtype !== 'float32') {
    throw new DropoutInputError(`input "x" must be a float32 tensor, got ${x.dtype}`, 'x');
  }
  const { rate, seed } = (attrs ?? {}) as Partial<DropoutKernelAttrs>;
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
    throw new DropoutInputError(`attribute "rate" must be a number in [0, 1), got ${String(rate)}`, 'rate');
  }
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new DropoutInputError(`attribute "seed" must be a finite number, got ${String(seed)}`, 'seed');
  }
  return { x, rate, seed, scale: Math.fround(1 / (1 - rate)) };
}

/** Attributes of {@link ADAMW_KERNEL_NAME}; the scalars torch's step computes from lr, betas and the step count. */
export interface AdamWKernelAttrs {
  /** `1 - lr * weightDecay` (1 for no decay). */
  readonly decayFactor: number;
  readonly beta1: number;
  readonly beta2: number;
  /** `sqrt(1 - beta2 ** step)`. */
  readonly biasCorrection2Sqrt: number;
  readonly eps: number;
  /** `lr / (1 - beta1 ** step)`. */
  readonly stepSize: number;
  /**
   * Update `param`, `m` and `v` in their own memory, as torch does, and return no outputs.
   * Taken only where each of the three is the sole owner of its storage (backend refCount 1):
   * a clone or a variable's initial value shares storage and must not see the update. Otherwise
   * the kernel returns three new tensors as without this flag, so the caller checks the output
   * count.
   */
  readonly inPlace?: boolean;
}

/**
 * The name of the multi-tensor AdamW kernel: N applications of {@link ADAMW_KERNEL_NAME} in one
 * tfjs kernel call (torch's `foreach` AdamW), so a step pays tfjs' per-op host cost once, not
 * once per parameter. Inputs `param0, grad0, m0, v0, param1, ...` (float32, each group of four
 * of one shape), and optionally {@link ADAMW_GRAD_MULTIPLIER_INPUT}; attributes
 * {@link AdamWMultiKernelAttrs}. In place (no outputs) when asked and every `param`/`m`/`v` owns
 * its storage; otherwise `3 * N` new tensors, `param_i, m_i, v_i` for each `i` in order. Checked
 * with `adamwMultiArgs` (this file) before anything is allocated or written.
 */
export const ADAMW_MULTI_KERNEL_NAME = 'NerAdamWMulti';

/**
 * The optional input of {@link ADAMW_MULTI_KERNEL_NAME}: a float32 tensor of one element, read on
 * the device, that every gradient is multiplied by (in float32) before the step: `g * c` then
 * exactly {@link ADAMW_KERNEL_NAME}'s arithmetic, the bits of a step given `tf.mul(grad, c)`.
 * It carries torch's `clip_grad_norm_` coefficient from the norm to the update without the host
 * reading the norm, and without a pass over the gradients to scale them.
 */
export const ADAMW_GRAD_MULTIPLIER_INPUT = 'gradMultiplier';

/** The four inputs of each tensor of {@link ADAMW_MULTI_KERNEL_NAME}, suffixed by its index. */
export const ADAMW_MULTI_INPUTS = ['param', 'grad', 'm', 'v'] as const;

/** `adamwMultiInputNames(i)` of every `i` asked so far: made once, as a step asks for all. */
const multiInputNames: (readonly [string, string, string, string])[] = [];

/**
 * The input names of tensor `i` of {@link ADAMW_MULTI_KERNEL_NAME}: `param{i}`, `grad{i}`,
 * `m{i}`, `v{i}`. The same strings each call: a training step names four inputs per weight, on
 * the caller's side and again on the kernel's.
 */
export function adamwMultiInputNames(i: number): readonly [string, string, string, string] {
  let names = multiInputNames[i];
  if (names === undefined) {
    names = [`param${i}`, `grad${i}`, `m${i}`, `v${i}`];
    multiInputNames[i] = names;
  }
  return names;
}

/** Attributes of {@link ADAMW_MULTI_KERNEL_NAME}: {@link AdamWKernelAttrs}' scalars, one per tensor. */
export interface AdamWMultiKernelAttrs {
  readonly decayFactor: readonly number[];
  readonly beta1: readonly number[];
  readonly beta2: readonly number[];
  readonly biasCorrection2Sqrt: readonly number[];
  readonly eps: readonly number[];
  readonly stepSize: readonly number[];
  /** As {@link AdamWKernelAttrs.inPlace}, for all tensors at once: all in place or none. */
  readonly inPlace?: boolean;
}

/**
 * A bad call of {@link ADAMW_MULTI_KERNEL_NAME}, thrown before any allocation or launch (nothing
 * was modified). `input` names the input or attribute at fault (`v3`, `stepSize`), `index` the
 * tensor's index when there is one.
 */
export class AdamWMultiInputError extends Error {
  override readonly name = 'AdamWMultiInputError';
  constructor(
    message: string,
    /** The input (`grad2`) or attribute (`eps`) at fault; null for the call as a whole. */
    readonly input: string | null,
    /** The tensor's index (the digits of `v3`), when the fault is one tensor's. */
    readonly index: number | null,
  ) {
    super(`${ADAMW_MULTI_KERNEL_NAME}: ${message}`);
  }
}

/** One tensor's inputs and scalars, as {@link adamwMultiArgs} returns them. */
export interface AdamWMultiTensor<T> {
  readonly param: T;
  readonly grad: T;
  readonly m: T;
  readonly v: T;
  readonly attrs: Required<Omit<AdamWKernelAttrs, 'inPlace'>>;
}

const ADAMW_SCALARS = ['decayFactor', 'beta1', 'beta2', 'biasCorrection2Sqrt', 'eps', 'stepSize'] as const;

/**
 * The inputs and attributes of an {@link ADAMW_MULTI_KERNEL_NAME} call, checked (input names and
 * count, float32, shapes, attribute arrays of exactly N numbers) and grouped per tensor. Throws
 * {@link AdamWMultiInputError} naming the kernel and the input. One check for every backend.
 */
export function adamwMultiArgs<T extends { readonly shape: readonly number[]; readonly dtype: string }>(
  inputs: Readonly<Record<string, T | undefined>>,
  attrs: unknown,
): { tensors: AdamWMultiTensor<T>[]; inPlace: boolean; gradMultiplier: T | null } {
  const gradMultiplier = gradMultiplierInput(inputs);
  const keys = Object.keys(inputs);
  // 4N keys (besides the multiplier), each of param0..v{N-1} present (checked below), leave no
  // room for another; the names are parsed one by one only when the count is off.
  let count = (keys.length - (gradMultiplier === null ? 0 : 1)) / 4;
  if (!Number.isInteger(count)) {
    count = 0;
    for (const key of keys) {
      if (key === ADAMW_GRAD_MULTIPLIER_INPUT) continue;
      const match = /^(param|grad|m|v)(0|[1-9][0-9]*)$/.exec(key);
      if (!match) throw new AdamWMultiInputError(`unexpected input "${key}"`, key, null);
      count = Math.max(count, Number(match[2]) + 1);
    }
  }
  // Plain loops and property reads: this runs once per optimizer step over every parameter.
  const given = (attrs ?? {}) as Record<string, unknown>;
  const groups: [T, T, T, T][] = [];
  for (let i = 0; i < count; i++) {
    const names = adamwMultiInputNames(i);
    const group = [
      tensorInput(inputs, names[0], i),
      tensorInput(inputs, names[1], i),
      tensorInput(inputs, names[2], i),
      tensorInput(inputs, names[3], i),
    ] as [T, T, T, T];
    const paramShape = group[0].shape;
    for (let role = 1; role < 4; role++) {
      const shape = group[role]!.shape;
      if (!sameShape(shape, paramShape)) {
        const key = names[role]!;
        throw new AdamWMultiInputError(
          `input "${key}" has shape [${shape}], the parameter "param${i}" has [${paramShape}]`,
          key,
          i,
        );
      }
    }
    groups.push(group);
  }
  for (const name of ADAMW_SCALARS) {
    const values = given[name];
    if (!Array.isArray(values) || values.length !== count) {
      throw new AdamWMultiInputError(
        `attribute "${name}" must be an array of ${count} numbers (one per tensor), got ${
          Array.isArray(values) ? `${values.length}` : typeof values
        }`,
        name,
        null,
      );
    }
    for (let i = 0; i < count; i++) {
      if (typeof values[i] !== 'number') {
        throw new AdamWMultiInputError(`attribute "${name}"[${i}] is not a number`, name, i);
      }
    }
  }
  if (given.inPlace !== undefined && typeof given.inPlace !== 'boolean') {
    throw new AdamWMultiInputError('attribute "inPlace" must be a boolean', 'inPlace', null);
  }
  const [decayFactor, beta1, beta2, biasCorrection2Sqrt, eps, stepSize] = ADAMW_SCALARS.map(
    (name) => given[name] as number[],
  ) as [number[], number[], number[], number[], number[], number[]];
  const tensors = groups.map(
    ([param, grad, m, v], i): AdamWMultiTensor<T> => ({
      param,
      grad,
      m,
      v,
      attrs: {
        decayFactor: decayFactor[i]!,
        beta1: beta1[i]!,
        beta2: beta2[i]!,
        biasCorrection2Sqrt: biasCorrection2Sqrt[i]!,
        eps: eps[i]!,
        stepSize: stepSize[i]!,
      },
    }),
  );
  return { tensors, inPlace: given.inPlace === true, gradMultiplier };
}

/** The {@link ADAMW_GRAD_MULTIPLIER_INPUT} input: null when absent, else float32 with one element. */
function gradMultiplierInput<T extends { readonly shape: readonly number[]; readonly dtype: string }>(
  inputs: Readonly<Record<string, T | undefined>>,
): T | null {
  const key = ADAMW_GRAD_MULTIPLIER_INPUT;
  const t = inputs[key];
  if (t === undefined || t === null) return null;
  if (t.dtype !== 'float32') {
    throw new AdamWMultiInputError(`input "${key}" must be a float32 tensor, got ${t.dtype}`, key, null);
  }
  const size = t.shape.reduce((a, b) => a * b, 1);
  if (size !== 1) {
    throw new AdamWMultiInputError(
      `input "${key}" must hold one number, got shape [${t.shape}] (${size} elements)`,
      key,
      null,
    );
  }
  return t;
}

/** Input `key` (of tensor `index`), present and float32, else {@link AdamWMultiInputError}. */
function tensorInput<T extends { readonly dtype: string }>(
  inputs: Readonly<Record<string, T | undefined>>,
  key: string,
  index: number,
): T {
  const t = inputs[key];
  if (t === undefined || t === null) throw new AdamWMultiInputError(`input "${key}" is missing`, key, index);
  if (t.dtype !== 'float32') {
    throw new AdamWMultiInputError(`input "${key}" must be a float32 tensor, got ${t.dtype}`, key, index);
  }
  return t;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The sizes of `op(A) @ op(B)` over broadcast batch dimensions. */
export interface MatMulShapes {
  /** Rows of the product, its columns, and the summed dimension. */
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly aBatch: number[];
  readonly bBatch: number[];
  /** The broadcast batch dimensions, and the output shape `[...outBatch, m, n]`. */
  readonly outBatch: number[];
  readonly outShape: number[];
}

/**
 * Shapes of a batched product of `a` and `b` (rank >= 2) with transposes, as tfjs' `matMul`:
 * throws tfjs' own message when the inner dimensions differ. `broadcast` is tfjs'
 * `assertAndGetBroadcastShape` (passed in: this file imports no package).
 */
export function matMulShapes(
  aShape: readonly number[],
  bShape: readonly number[],
  transA: boolean,
  transB: boolean,
  broadcast: (a: number[], b: number[]) => number[],
): MatMulShapes {
  const aRank = aShape.length;
  const bRank = bShape.length;
  const m = (transA ? aShape[aRank - 1] : aShape[aRank - 2]) as number;
  const kA = (transA ? aShape[aRank - 2] : aShape[aRank - 1]) as number;
  const kB = (transB ? bShape[bRank - 1] : bShape[bRank - 2]) as number;
  const n = (transB ? bShape[bRank - 2] : bShape[bRank - 1]) as number;
  if (kA !== kB) {
    throw new Error(
      `Error in matMul: inner shapes (${kA}) and (${kB}) of Tensors with shapes ${aShape} and ${bShape} and transposeA=${transA} and transposeB=${transB} must match.`,
    );
  }
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const outBatch = broadcast(aBatch, bBatch);
  return { m, n, k: kA, aBatch, bBatch, outBatch, outShape: [...outBatch, m, n] };
}

/**
 * Element offsets of the matrices each output batch reads (`matrixSize` elements each) when a
 * side's batch dimensions `batchShape` broadcast to `outBatch` (1 and missing dimensions repeat).
 */
export function batchOffsets(
  batchShape: readonly number[],
  outBatch: readonly number[],
  matrixSize: number,
): Int32Array {
  const rank = outBatch.length;
  const padded = [...new Array<number>(rank - batchShape.length).fill(1), ...batchShape];
  const strides = new Array<number>(rank).fill(0);
  let stride = matrixSize;
  for (let d = rank - 1; d >= 0; d--) {
    strides[d] = padded[d] === 1 ? 0 : stride;
    stride *= padded[d] as number;
  }
  const total = outBatch.reduce((a, b) => a * b, 1);
  const offsets = new Int32Array(total);
  for (let i = 0; i < total; i++) {
    let rem = i;
    let offset = 0;
    for (let d = rank - 1; d >= 0; d--) {
      const dim = outBatch[d] as number;
      offset += (rem % dim) * (strides[d] as number);
      rem = Math.floor(rem / dim);
    }
    offsets[i] = offset;
  }
  return offsets;
}

/** The inputs and attributes of tfjs' `_FusedMatMul`, with tfjs' defaults filled in. */
export interface FusedMatMulArgs<T> {
  readonly a: T;
  readonly b: T;
  readonly bias?: T;
  readonly preluActivationWeights?: T;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  /** `linear` when unset. */
  readonly activation: string;
}

/** Reads a `_FusedMatMul` call's inputs and attributes (`T` is tfjs' TensorInfo). */
export function fusedMatMulArgs<T>(args: { inputs: object; attrs?: object }): FusedMatMulArgs<T> {
  const inputs = args.inputs as { a: T; b: T; bias?: T; preluActivationWeights?: T };
  const attrs = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean; activation?: string };
  return {
    ...inputs,
    transposeA: !!attrs.transposeA,
    transposeB: !!attrs.transposeB,
    activation: attrs.activation ?? 'linear',
  };
}

/**
 * float32 values rounded to the nearest bfloat16 (ties to even, as torch's `.to(torch.bfloat16)`;
 * NaN stays a quiet NaN, infinities stay infinite), still as float32. One definition for
 * `@ner/models`' `useBf16Weights` and the native backend's bf16 weights, so both round alike.
 */
export function roundToBf16(values: Float32Array): Float32Array {
  const out = new Float32Array(values.length);
  const inBits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const bits = inBits[i]!;
    // NaN: keep the sign and set the quiet bit so truncation cannot turn it into an infinity.
    if ((bits & 0x7fffffff) > 0x7f800000) outBits[i] = (bits | 0x400000) & 0xffff0000;
    else outBits[i] = ((bits + 0x7fff + ((bits >>> 16) & 1)) & 0xffff0000) >>> 0;
  }
  return out;
}

/** The dtype matmuls run in under autocast (torch.autocast's `dtype`); only bfloat16 so far. */
export type AutocastDtype = 'bf16';

/**
 * A backend whose matmul kernels (`MatMul`, `BatchMatMul`, `_FusedMatMul`) can run under bf16
 * autocast, as `torch.autocast(dtype=torch.bfloat16)`: both operands rounded to bfloat16, the
 * products accumulated in fp32. `@ner/models`' `withAutocast` switches it around a training or
 * evaluation step (`TrainingArguments.bf16`); the other ops are not affected.
 */
export interface AutocastBackend {
  /** Turns autocast on for matmuls (`'bf16'`) or off (`null`). */
  setMatMulAutocast(dtype: AutocastDtype | null): void;
  /** What the matmul kernels run in now. */
  matMulAutocast(): AutocastDtype | null;
}

/**
 * `dtype` as {@link AutocastBackend.setMatMulAutocast} takes it (`'bf16'` or `null`); anything
 * else throws a TypeError naming it. One check for every backend.
 */
export function checkedAutocastDtype(dtype: unknown): AutocastDtype | null {
  if (dtype !== null && dtype !== 'bf16') {
    throw new TypeError(`setMatMulAutocast: expected 'bf16' or null, got ${JSON.stringify(dtype)}`);
  }
  return dtype;
}

/** Whether `backend` implements {@link AutocastBackend}. */
export function isAutocastBackend(backend: unknown): backend is AutocastBackend {
  const candidate = backend as Partial<AutocastBackend> | null;
  return typeof candidate?.setMatMulAutocast === 'function' && typeof candidate.matMulAutocast === 'function';
}

/**
 * A backend whose float32 matmuls can run on TF32 tensor cores (10-bit mantissa inputs, fp32
 * accumulation), switched as `torch.backends.cuda.matmul.allow_tf32`: off until asked for.
 * `@ner/models`' `setMatMulTf32` and `TrainingArguments.tf32` use it.
 */
export interface Tf32Backend {
  /** Why TF32 cannot be used on this backend's device, or `null` when it can. */
  tf32Unavailable(): string | null;
  /** Lets float32 matmuls use TF32 (`true`) or keeps them exact fp32 (`false`). */
  setAllowTf32(allow: boolean): void;
  /** Whether float32 matmuls may use TF32 now. */
  allowTf32(): boolean;
}

/** Whether `backend` implements {@link Tf32Backend}. */
export function isTf32Backend(backend: unknown): backend is Tf32Backend {
  const candidate = backend as Partial<Tf32Backend> | null;
  return (
    typeof candidate?.tf32Unavailable === 'function' &&
    typeof candidate.setAllowTf32 === 'function' &&
    typeof candidate.allowTf32 === 'function'
  );
}

/**
 * The sum of squares of each of N tensors in one kernel call (torch's `_foreach_norm` before the
 * root), for the global gradient norm of `clipGradNorm`: inputs `x0, x1, ...` (float32, any
 * shapes, none missing), no attributes, one float32 output of shape `[N]` whose entry `i` is the
 * float32 sum of `x_i`'s squared elements (0 for an empty tensor). The order of the additions
 * is the backend's. Checked with `sumSquaresMultiInputs` (this file).
 */
export const SUM_SQUARES_MULTI_KERNEL_NAME = 'NerSumSquaresMulti';

/** A bad call of {@link SUM_SQUARES_MULTI_KERNEL_NAME}: `input` names the input at fault. */
export class SumSquaresMultiInputError extends Error {
  override readonly name = 'SumSquaresMultiInputError';
  constructor(
    message: string,
    readonly input: string,
  ) {
    super(`${SUM_SQUARES_MULTI_KERNEL_NAME}: ${message}`);
  }
}

/** `x{i}` of every `i` asked so far, made once. */
const sumSquaresInputNames: string[] = [];

/** The name of input `i` of {@link SUM_SQUARES_MULTI_KERNEL_NAME} (`x{i}`), the same string each call. */
export function sumSquaresInputName(i: number): string {
  let name = sumSquaresInputNames[i];
  if (name === undefined) {
    name = `x${i}`;
    sumSquaresInputNames[i] = name;
  }
  return name;
}

/**
 * The inputs of a {@link SUM_SQUARES_MULTI_KERNEL_NAME} call in order, checked: exactly `x0` to
 * `x{N-1}`, each float32. Throws {@link SumSquaresMultiInputError} naming the input.
 */
export function sumSquaresMultiInputs<T extends { readonly dtype: string }>(
  inputs: Readonly<Record<string, T | undefined>>,
): T[] {
  const count = Object.keys(inputs).length;
  const xs: T[] = [];
  for (let i = 0; i < count; i++) {
    const name = sumSquaresInputName(i);
    const x = inputs[name];
    if (x === undefined || x === null) {
      const stray = Object.keys(inputs).find((key) => !/^x(0|[1-9][0-9]*)$/.test(key)) ?? name;
      throw new SumSquaresMultiInputError(
        stray === name ? `input "${name}" is missing` : `unexpected input "${stray}"`,
        stray,
      );
    }
    if (x.dtype !== 'float32') {
      throw new SumSquaresMultiInputError(`input "${name}" must be a float32 tensor, got ${x.dtype}`, name);
    }
    xs.push(x);
  }
  return xs;
}
