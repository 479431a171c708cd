/**
 * `tf.variableGrads` for a first-order gradient that frees memory as its backward pass goes, as
 * PyTorch's autograd does.
 *
 * Why: tfjs-core's `engine.gradients` keeps every tensor saved for the backward pass and every
 * intermediate gradient until the whole backward pass has run, then frees them together. So the
 * peak of a training step is all the activations plus all the gradients of the activations. On a
 * bert-base step (batch 32 x 128, fp32) that was 11.18 GiB of device memory on the `cuda` backend,
 * where PyTorch keeps about 5 GiB (weights, gradients, AdamW state and 3.4 GiB of saved
 * activations). Here a tape node's saved tensors and its outputs' gradients are freed as soon as
 * the node's own gradient has run: nothing after it can read them.
 *
 * The arithmetic is tfjs' own: the same tape, the same nodes from x to y (found with sets where
 * tfjs-core's filter loops over every x for each input), the same gradient functions in the same
 * reverse order, the same accumulation `add(current, dx)`. So the gradients are tfjs' bit for bit
 * (test/lean-gradients.test.ts). Under an outer gradient (a second derivative needs the tape), or
 * where the engine lacks the parts used here, it is `tf.variableGrads` itself.
 */
import * as tf from '@tensorflow/tfjs-core';
import { withLeanSaves } from './lean-tensors.js';

/** A node of tfjs-core's gradient tape (tfjs-core 4.x `TapeNode`, not in its public types). */
interface TapeNode {
  id: number;
  kernelName: string;
  inputs: Record<string, tf.Tensor>;
  outputs: tf.Tensor[];
  saved?: tf.Tensor[];
  gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;
}

/** The parts of tfjs-core's engine this module uses. */
interface TapeEngine {
  state: { gradientDepth: number; activeTape: TapeNode[] | null };
  startTape(): void;
  endTape(): void;
}

function tapeEngine(): TapeEngine | null {
  const engine = tf.engine() as unknown as Partial<TapeEngine>;
  const usable =
    typeof engine.state?.gradientDepth === 'number' &&
    typeof engine.startTape === 'function' &&
    typeof engine.endTape === 'function';
  return usable ? (engine as TapeEngine) : null;
}

/**
 * The nodes of `tape` on a path from one of `xs` to `y`, each with only the inputs that depend
 * on an x: tfjs-core's `getFilteredNodesXToY`, with set lookups.
 */
function nodesFromXToY(tape: readonly TapeNode[], xs: readonly tf.Tensor[], y: tf.Tensor): TapeNode[] {
  const fromX = new Set(xs.map((x) => x.id));
  const nodesFromX = new Set<number>();
  for (const node of tape) {
    if (Object.values(node.inputs).some((input) => fromX.has(input.id))) {
      nodesFromX.add(node.id);
      for (const output of node.outputs) fromX.add(output.id);
    }
  }
  const leadToY = new Set([y.id]);
  const nodesToY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i]!;
    if (!node.outputs.some((output) => leadToY.has(output.id))) continue;
    for (const input of Object.values(node.inputs)) leadToY.add(input.id);
    // tfjs-core marks a node as leading to y only through one of its inputs.
    if (Object.keys(node.inputs).length > 0) nodesToY.add(node.id);
  }
  const filtered: TapeNode[] = [];
  for (const node of tape) {
    if (!nodesFromX.has(node.id) || !nodesToY.has(node.id)) continue;
    const inputs: Record<string, tf.Tensor> = {};
    for (const [name, input] of Object.entries(node.inputs)) if (fromX.has(input.id)) inputs[name] = input;
    filtered.push({ ...node, inputs });
  }
  return filtered;
}

/**
 * Gradients of the accumulated-gradient map, counted by tensor: a gradient function may hand back
 * a tensor it was given, so one tensor can be the gradient of two tensors for a while.
 */
class GradientMap {
  private readonly byId = new Map<number, tf.Tensor>();
  private readonly holders = new Map<tf.Tensor, number>();

  get(id: number): tf.Tensor | undefined {
    return this.byId.get(id);
  }

  set(id: number, gradient: tf.Tensor): void {
    this.release(id);
    this.byId.set(id, gradient);
    this.holders.set(gradient, (this.holders.get(gradient) ?? 0) + 1);
  }

  /** Whether `tensor` is the gradient of some tensor now. */
  holds(tensor: tf.Tensor): boolean {
    return this.holders.has(tensor);
  }

  /** Forgets the gradient of `id`, disposing it unless it is still another tensor's gradient. */
  release(id: number): void {
    const gradient = this.byId.get(id);
    if (!gradient) return;
    this.byId.delete(id);
    const left = this.holders.get(gradient)! - 1;
    if (left > 0) this.holders.set(gradient, left);
    else {
      this.holders.delete(gradient);
      gradient.dispose();
    }
  }
}

/** The checks tfjs-core's backward pass makes on each gradient, with its messages. */
function checkGradient(node: TapeNode, inputName: string, dx: tf.Tensor, x: tf.Tensor): void {
  if (dx.dtype !== 'float32') {
    throw new Error(
      `Error in gradient for op ${node.kernelName}. The gradient of input ${inputName} must have 'float32' dtype, but has '${dx.dtype}'`,
    );
  }
  if (!tf.util.arraysEqual(dx.shape, x.shape)) {
    throw new Error(
      `Error in gradient for op ${node.kernelName}. The gradient of input '${inputName}' has shape '${dx.shape}', which does not match the shape of the input '${x.shape}'`,
    );
  }
}

/** Runs `node`'s gradient function and adds what it gives each input to `gradients`. */
function backpropagateNode(node: TapeNode, gradients: GradientMap): void {
  if (!node.gradient) {
    throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
  }
  // An output that does not lead to y gets zeros, as tfjs-core gives it; freed with the node.
  const zeros: tf.Tensor[] = [];
  const dys = node.outputs.map((output) => {
    const dy = gradients.get(output.id);
    if (dy) return dy;
    const zero = tf.zeros(output.shape, output.dtype);
    zeros.push(zero);
    return zero;
  });
  const inputGradients = node.gradient(dys);
  for (const [inputName, x] of Object.entries(node.inputs)) {
    if (!(inputName in inputGradients)) {
      throw new Error(
        `Cannot backprop through input ${inputName}. Available gradients found: ${Object.keys(inputGradients)}.`,
      );
    }
    const dx = tf.tidy(() => inputGradients[inputName]!());
    checkGradient(node, inputName, dx, x);
    const current = gradients.get(x.id);
    if (!current) {
      gradients.set(x.id, dx);
      continue;
    }
    gradients.set(x.id, tf.add(current, dx));
    if (!gradients.holds(dx) && !dys.includes(dx)) dx.dispose();
  }
  for (const zero of zeros) if (!gradients.holds(zero)) zero.dispose();
}

/** Disposes the tensors `node` saved for its gradient, except one now serving as a gradient. */
function freeSaved(node: TapeNode, gradients: GradientMap | null): void {
  for (const tensor of node.saved ?? []) if (!gradients?.holds(tensor)) tensor.dispose();
}

/**
 * `tf.variableGrads(f, varList)` (the loss and the gradient of each trainable variable by
 * variable name) for a first-order gradient, freeing each tape node's saved tensors and its
 * outputs' gradients once the node's gradient has run. With tensors saved without Identity clones
 * ({@link withLeanSaves}). See the module comment.
 */
export function leanVariableGrads(
  f: () => tf.Scalar,
  varList: readonly tf.Variable[],
): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  const engine = tapeEngine();
  if (!engine || engine.state.gradientDepth > 0) {
    return withLeanSaves(() => tf.variableGrads(f, [...varList]));
  }
  const xs = varList.filter((v) => v.trainable);
  if (xs.length === 0) {
    throw new Error(
      `variableGrads() expects at least one of the input variables to be trainable, but none of the ${varList.length} variables is trainable.`,
    );
  }
  return withLeanSaves(() => {
    engine.startTape();
    let y: tf.Tensor;
    try {
      y = tf.tidy('forward', f);
    } catch (error) {
      freeTape(engine, null);
      throw error;
    } finally {
      engine.endTape();
    }
    if (!(y instanceof tf.Tensor)) throw new Error('The result y returned by f() must be a tensor.');
    const tape = engine.state.activeTape ?? [];
    const nodes = nodesFromXToY(tape, xs, y);
    let grads: (tf.Tensor | undefined)[];
    try {
      grads = backward(engine, tape, y, nodes, xs);
    } catch (error) {
      // The loss outlives the forward scope; a failing backward (out of memory) must free it too.
      y.dispose();
      throw error;
    }
    if (!grads.some((g) => g !== undefined)) {
      tf.dispose(y);
      throw new Error(
        'Cannot find a connection between any variable and the result of the loss function y=f(x). Please make sure the operations that use variables are inside the function f passed to minimize().',
      );
    }
    if (y.rank !== 0) {
      tf.dispose([y, ...grads.filter((g): g is tf.Tensor => g !== undefined)]);
      throw new Error(
        `The f passed in variableGrads(f) must return a scalar, but it returned a rank-${y.rank} tensor`,
      );
    }
    const named: tf.NamedTensorMap = {};
    xs.forEach((x, i) => {
      const grad = grads[i];
      if (grad) named[x.name] = grad;
    });
    return { value: y as tf.Scalar, grads: named };
  });
}

/**
 * The backward pass of {@link leanVariableGrads}: the gradients of `y` with respect to `xs`,
 * freeing each node's saves as soon as nothing later reads them, and the tape at the end.
 */
function backward(
  engine: TapeEngine,
  tape: readonly TapeNode[],
  y: tf.Tensor,
  nodes: TapeNode[],
  xs: readonly tf.Variable[],
): (tf.Tensor | undefined)[] {
  return tf.tidy('backward', () => {
    const gradients = new GradientMap();
    const keep = new Set(xs.map((x) => x.id));
    try {
      gradients.set(y.id, tf.ones(y.shape));
      for (let i = nodes.length - 1; i >= 0; i--) {
        const node = nodes[i]!;
        backpropagateNode(node, gradients);
        // Nothing later in the backward pass reads this node's saves or its outputs' gradients.
        freeSaved(node, gradients);
        for (const output of node.outputs) if (!keep.has(output.id)) gradients.release(output.id);
      }
      return xs.map((x) => gradients.get(x.id));
    } finally {
      // The tape read at the start: a gradient that takes gradients of its own (a recomputed
      // checkpointed layer) replaces the engine's active tape with its own and clears it.
      freeTape(engine, gradients, tape);
    }
  });
}

/** Disposes what the tape still saves (nodes off the path, or all of them after a throw) and ends it. */
function freeTape(
  engine: TapeEngine,
  gradients: GradientMap | null,
  tape: readonly TapeNode[] | null = engine.state.activeTape,
): void {
  for (const node of tape ?? []) freeSaved(node, gradients);
  engine.state.activeTape = null;
}
