/**
 * Gradient definitions for the kernels BERT and DistilBERT use.
 *
 * Why this exists: the Node builds of @tensorflow/tfjs-core 4.x register no
 * gradients at all (only the `@tensorflow/tfjs` umbrella package does, and
 * tfjs-core's own registration file is ESM that Node cannot load), so
 * `tf.variableGrads` fails with "gradient function not found" on a bare
 * tfjs-core + tfjs-backend-cpu install. We register our own definitions, each
 * only when no gradient is registered for that kernel yet, so a full tfjs or
 * tfjs-node install keeps its own.
 */
import * as tf from '@tensorflow/tfjs-core';
import { SOFTMAX_GRAD_KERNEL, backendHasKernel } from './fused-kernels.js';
import { reshapeView } from './lean-tensors.js';
import { scatterRows } from './nn.js';

type Grads = Record<string, () => tf.Tensor>;
type GradFn = (dy: tf.Tensor, saved: tf.Tensor[], attrs: Record<string, unknown>) => Grads;

interface Definition {
  readonly kernelName: string;
  readonly inputsToSave?: string[];
  readonly outputsToSave?: boolean[];
  readonly saveAllInputs?: boolean;
  readonly gradFunc: GradFn;
}

/** Sums a broadcast gradient back down to `shape` (the input's shape). */
function unbroadcast(grad: tf.Tensor, shape: readonly number[]): tf.Tensor {
  if (tf.util.arraysEqual(grad.shape, [...shape])) return grad;
  const axes = tf.backend_util.getReductionAxes([...shape], grad.shape);
  const summed = axes.length > 0 ? tf.sum(grad, axes) : grad;
  // A bias gradient is already its own shape after the sum: no reshape op for it.
  return tf.util.arraysEqual(summed.shape, [...shape]) ? summed : reshapeView(summed, [...shape]);
}

/**
 * The gradient of `op(a) @ op(b)`, one product per input, each closure computing only its own
 * (the backward pass calls the ones it needs); broadcast batch axes summed back.
 */
function matMulGrads(dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor, attrs: Record<string, unknown>): Grads {
  const transposeA = attrs.transposeA as boolean;
  const transposeB = attrs.transposeB as boolean;
  const gradA = (): tf.Tensor => {
    if (!transposeA && !transposeB) return tf.matMul(dy, b, false, true);
    if (!transposeA && transposeB) return tf.matMul(dy, b, false, false);
    if (transposeA && !transposeB) return tf.matMul(b, dy, false, true);
    return tf.matMul(b, dy, true, true);
  };
  const gradB = (): tf.Tensor => {
    // A batch of rows against one matrix (a linear layer on [batch, length, features]): b's
    // gradient sums over every row, so it is one product on the 2-D views, not one per batch
    // entry summed afterwards.
    if (b.rank === 2 && a.rank > 2 && !transposeA) {
      const rows = reshapeView(a, [-1, a.shape[a.rank - 1]!]);
      const dRows = reshapeView(dy, [-1, dy.shape[dy.rank - 1]!]);
      return transposeB ? tf.matMul(dRows, rows, true, false) : tf.matMul(rows, dRows, true, false);
    }
    if (!transposeA && !transposeB) return tf.matMul(a, dy, true, false);
    if (!transposeA && transposeB) return tf.matMul(dy, a, true, false);
    if (transposeA && !transposeB) return tf.matMul(a, dy, false, false);
    return tf.matMul(dy, a, true, true);
  };
  return { a: () => unbroadcast(gradA(), a.shape), b: () => unbroadcast(gradB(), b.shape) };
}

/** dy expanded back over the reduced axes of `x`. */
function expandReduced(dy: tf.Tensor, x: tf.Tensor, axis: unknown): tf.Tensor {
  const axes = tf.util.parseAxisParam(axis as number | number[], x.shape);
  const kept = x.shape.map((dim, i) => (axes.includes(i) ? 1 : dim));
  return tf.mul(reshapeView(dy, kept), tf.onesLike(x));
}

function zerosFloat(x: tf.Tensor): tf.Tensor {
  return tf.zeros(x.shape, 'float32');
}

const DEFINITIONS: Definition[] = [
  {
    kernelName: 'Add',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => ({ a: () => unbroadcast(dy, a!.shape), b: () => unbroadcast(dy, b!.shape) }),
  },
  {
    kernelName: 'Sub',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => ({
      a: () => unbroadcast(dy, a!.shape),
      b: () => unbroadcast(tf.neg(dy), b!.shape),
    }),
  },
  {
    kernelName: 'Multiply',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => ({
      a: () => unbroadcast(tf.mul(dy, tf.cast(b!, 'float32')), a!.shape),
      b: () => unbroadcast(tf.mul(dy, tf.cast(a!, 'float32')), b!.shape),
    }),
  },
  {
    kernelName: 'RealDiv',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => ({
      a: () => unbroadcast(tf.div(dy, b!), a!.shape),
      b: () => unbroadcast(tf.neg(tf.div(tf.mul(dy, a!), tf.square(b!))), b!.shape),
    }),
  },
  {
    kernelName: 'Maximum',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => ({
      a: () => unbroadcast(tf.mul(dy, tf.cast(tf.greaterEqual(a!, b!), 'float32')), a!.shape),
      b: () => unbroadcast(tf.mul(dy, tf.cast(tf.less(a!, b!), 'float32')), b!.shape),
    }),
  },
  {
    kernelName: 'Pow',
    inputsToSave: ['a', 'b'],
    outputsToSave: [true],
    gradFunc: (dy, [a, b, y]) => ({
      a: () => unbroadcast(tf.mul(dy, tf.mul(b!, tf.pow(a!, tf.sub(b!, 1)))), a!.shape),
      b: () => {
        const logA = tf.where(tf.greater(a!, 0), tf.log(a!), tf.zerosLike(a!));
        return unbroadcast(tf.mul(dy, tf.mul(y!, logA)), b!.shape);
      },
    }),
  },
  {
    kernelName: 'BatchMatMul',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b], attrs) => matMulGrads(dy, a!, b!, attrs),
  },
  {
    // The linear layers run `_FusedMatMul` directly (nn.ts `linear`), which tfjs gives no
    // gradient: its fused.matMul op differentiates inside a custom-gradient scope instead. The
    // bias is a vector over the output's last axis, as the layers pass it: its gradient is dy
    // summed over every other axis (any other bias shape fails tfjs' gradient shape check).
    kernelName: '_FusedMatMul',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b], attrs) => {
      const activation = (attrs.activation as string | undefined) ?? 'linear';
      if (activation !== 'linear') {
        throw new Error(
          `_FusedMatMul gradient is implemented for activation "linear" only, got "${activation}" (tf.fused.matMul differentiates the others itself).`,
        );
      }
      const leading = Array.from({ length: dy.rank - 1 }, (_, axis) => axis);
      return { ...matMulGrads(dy, a!, b!, attrs), bias: () => tf.sum(dy, leading) };
    },
  },
  { kernelName: 'Cast', gradFunc: (dy) => ({ x: () => tf.clone(dy) }) },
  { kernelName: 'Identity', gradFunc: (dy) => ({ x: () => tf.clone(dy) }) },
  { kernelName: 'Neg', gradFunc: (dy) => ({ x: () => tf.neg(dy) }) },
  {
    kernelName: 'Abs',
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy, tf.sign(x!)) }),
  },
  {
    kernelName: 'Erf',
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({
      x: () => tf.mul(dy, tf.mul(tf.exp(tf.neg(tf.square(x!))), 2 / Math.sqrt(Math.PI))),
    }),
  },
  { kernelName: 'Exp', outputsToSave: [true], gradFunc: (dy, [y]) => ({ x: () => tf.mul(dy, y!) }) },
  { kernelName: 'Log', inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.div(dy, x!) }) },
  {
    kernelName: 'Log1p',
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => tf.div(dy, tf.add(x!, 1)) }),
  },
  {
    kernelName: 'Sqrt',
    outputsToSave: [true],
    gradFunc: (dy, [y]) => ({ x: () => tf.div(dy, tf.mul(y!, 2)) }),
  },
  {
    kernelName: 'Rsqrt',
    outputsToSave: [true],
    // d/dx x^(-1/2) = -1/2 * y^3 with y = x^(-1/2).
    gradFunc: (dy, [y]) => ({ x: () => tf.mul(dy, tf.mul(tf.pow(y!, 3), -0.5)) }),
  },
  {
    kernelName: 'Square',
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy, tf.mul(x!, 2)) }),
  },
  {
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy, tf.cast(tf.greater(x!, 0), 'float32')) }),
  },
  {
    kernelName: 'Tanh',
    outputsToSave: [true],
    gradFunc: (dy, [y]) => ({ x: () => tf.mul(dy, tf.sub(1, tf.square(y!))) }),
  },
  {
    kernelName: 'Sigmoid',
    outputsToSave: [true],
    gradFunc: (dy, [y]) => ({ x: () => tf.mul(dy, tf.mul(y!, tf.sub(1, y!))) }),
  },
  {
    kernelName: 'Softmax',
    outputsToSave: [true],
    gradFunc: (dy, [y], attrs) => {
      const dim = attrs.dim as number;
      // One pass where the backend has the fused kernel (cuda, native): the composite below is
      // four, each over the whole [batch, heads, length, length] attention tensor.
      const lastAxis = dim === -1 || dim === y!.rank - 1;
      if (lastAxis && dy.dtype === 'float32' && backendHasKernel(SOFTMAX_GRAD_KERNEL)) {
        return { logits: () => tf.engine().runKernel(SOFTMAX_GRAD_KERNEL, { dy, y: y! }) as tf.Tensor };
      }
      return { logits: () => tf.mul(y!, tf.sub(dy, tf.sum(tf.mul(dy, y!), dim, true))) };
    },
  },
  {
    kernelName: 'Reshape',
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => reshapeView(dy, x!.shape) }),
  },
  {
    kernelName: 'Transpose',
    gradFunc: (dy, _saved, attrs) => {
      const perm = attrs.perm as number[];
      const inverse = new Array<number>(perm.length);
      perm.forEach((axis, i) => {
        inverse[axis] = i;
      });
      return { x: () => tf.transpose(dy, inverse) };
    },
  },
  {
    kernelName: 'Slice',
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const [begin, size] = tf.slice_util.parseSliceParams(
        x!,
        attrs.begin as number[],
        attrs.size as number[],
      ) as [number[], number[]];
      const paddings = x!.shape.map((dim, i) => [begin[i]!, dim - begin[i]! - size[i]!] as [number, number]);
      return { x: () => tf.pad(dy, paddings) };
    },
  },
  {
    kernelName: 'Sum',
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => ({ x: () => expandReduced(dy, x!, attrs.axis) }),
  },
  {
    kernelName: 'Mean',
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x!.shape);
      const count = axes.reduce((product, axis) => product * x!.shape[axis]!, 1);
      return { x: () => tf.div(expandReduced(dy, x!, attrs.axis), count) };
    },
  },
  {
    kernelName: 'GatherV2',
    inputsToSave: ['x', 'indices'],
    gradFunc: (dy, [x, indices], attrs) => {
      if ((attrs.axis as number) !== 0 || ((attrs.batchDims as number) ?? 0) !== 0) {
        throw new Error('GatherV2 gradient is implemented for axis 0 and batchDims 0 only.');
      }
      return {
        x: () => {
          const flatIndices = reshapeView(indices!, [-1]);
          const rows = reshapeView(dy, [flatIndices.shape[0]!, ...x!.shape.slice(1)]);
          return scatterRows(rows, flatIndices, x!.shape);
        },
        indices: () => zerosFloat(indices!),
      };
    },
  },
  {
    kernelName: 'Select',
    inputsToSave: ['condition'],
    gradFunc: (dy, [condition]) => ({
      condition: () => zerosFloat(condition!),
      t: () => tf.mul(dy, tf.cast(condition!, 'float32')),
      e: () => tf.mul(dy, tf.cast(tf.logicalNot(condition!), 'float32')),
    }),
  },
  {
    kernelName: 'Concat',
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs) => {
      const axis = tf.util.parseAxisParam(attrs.axis as number, saved[0]!.shape)[0]!;
      const parts = tf.split(
        dy,
        saved.map((input) => input.shape[axis]!),
        axis,
      );
      return Object.fromEntries(parts.map((part, index) => [String(index), () => part]));
    },
  },
  // Comparisons are piecewise constant: zero gradient, so masks built from weights do not stop backprop.
  ...['Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual'].map(
    (kernelName): Definition => ({
      kernelName,
      inputsToSave: ['a', 'b'],
      gradFunc: (_dy, [a, b]) => ({ a: () => zerosFloat(a!), b: () => zerosFloat(b!) }),
    }),
  ),
  { kernelName: 'ZerosLike', gradFunc: (dy) => ({ x: () => tf.zerosLike(dy) }) },
  { kernelName: 'OnesLike', gradFunc: (dy) => ({ x: () => tf.zerosLike(dy) }) },
];

let registered = false;

/**
 * Registers the gradients above for every kernel that has none yet.
 * Idempotent; models call it on construction. Call it yourself before
 * differentiating your own tfjs-core code that uses these kernels.
 */
export function registerGradients(): void {
  if (registered) return;
  registered = true;
  for (const definition of DEFINITIONS) {
    if (tf.getGradient(definition.kernelName)) continue;
    tf.registerGradient({
      kernelName: definition.kernelName,
      ...(definition.inputsToSave ? { inputsToSave: definition.inputsToSave } : {}),
      ...(definition.outputsToSave ? { outputsToSave: definition.outputsToSave } : {}),
      ...(definition.saveAllInputs ? { saveAllInputs: true } : {}),
      gradFunc: (dy, saved, attrs) =>
        definition.gradFunc(Array.isArray(dy) ? dy[0]! : dy, saved, attrs as Record<string, unknown>),
    });
  }
}
