// computeGradients' backward pass frees each tape node's saved tensors and its outputs' gradients
// once the node's gradient has run (src/lean-gradients.ts), where tfjs' own keeps them all to the
// end: a lower peak, tfjs' gradients bit for bit (lean-tensors.test.ts compares them on every
// backend), tfjs' errors, no leak after a throw, and tfjs' own path under an outer gradient.
import { tinyBertSizes, tinyTokenBatch } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutoModelForTokenClassification, BertConfig, registerGradients } from '../src/index.js';
import { leanVariableGrads } from '../src/lean-gradients.js';
import { restoreCpu, useBackend } from './backends.js';

beforeAll(async () => {
  registerGradients();
  await useBackend('cpu');
});
afterAll(restoreCpu);

/** Values of the loss and of each gradient, by variable name. */
function valuesOf(result: { value: tf.Scalar; grads: tf.NamedTensorMap }): Record<string, number[]> {
  const out: Record<string, number[]> = { loss: Array.from(result.value.dataSync()) };
  for (const [name, grad] of Object.entries(result.grads)) out[name] = Array.from(grad.dataSync());
  tf.dispose([result.value, ...Object.values(result.grads)]);
  return out;
}

describe('leanVariableGrads', () => {
  it('frees what each node saved and its gradients as the backward pass goes, where tfjs keeps them', async () => {
    // 24 layers of tanh(x w): each layer's output is saved for the backward pass, as a
    // transformer's activations are. tfjs' backward pass keeps every saved tensor and every
    // gradient to the end, so memory climbs past the forward pass; here it falls as it goes.
    const w = tf.variable(tf.randomUniform([128, 128], -0.1, 0.1, 'float32', 5), true, 'lean-chain-w');
    const x = tf.randomUniform([256, 128], -1, 1, 'float32', 6);
    const f = () => {
      let h = x;
      for (let i = 0; i < 24; i++) h = tf.tanh(tf.matMul(h, w));
      return tf.sum(h) as tf.Scalar;
    };
    /** Bytes in use after each kernel, from the loss (the forward pass's last kernel) on, and the grads. */
    async function backwardBytes(
      grads: (f: () => tf.Scalar, varList: tf.Variable[]) => { value: tf.Scalar; grads: tf.NamedTensorMap },
    ) {
      let values: Record<string, number[]> = {};
      const kernels = (
        await tf.profile(() => {
          values = valuesOf(grads(f, [w]));
        })
      ).kernels;
      const loss = kernels.findIndex((k) => k.name === 'Sum');
      return { bytes: kernels.slice(loss).map((k) => k.totalBytesSnapshot), values };
    }
    const lean = await backwardBytes(leanVariableGrads);
    const tfjs = await backwardBytes(tf.variableGrads);
    const [leanAtLoss, tfjsAtLoss] = [lean.bytes[0]!, tfjs.bytes[0]!];
    console.log(
      `bytes at the loss / highest after it / last: lean ${leanAtLoss} / ${Math.max(...lean.bytes.slice(1))} / ${lean.bytes.at(-1)}, ` +
        `tf.variableGrads ${tfjsAtLoss} / ${Math.max(...tfjs.bytes.slice(1))} / ${tfjs.bytes.at(-1)}`,
    );
    expect(Math.max(...tfjs.bytes.slice(1))).toBeGreaterThan(1.1 * tfjsAtLoss);
    expect(Math.max(...lean.bytes.slice(1))).toBeLessThanOrEqual(leanAtLoss);
    expect(lean.bytes.at(-1)!).toBeLessThan(0.5 * leanAtLoss);
    expect(lean.values).toEqual(tfjs.values);
    tf.dispose([w, x]);
  });

  it("gives tfjs' loss and gradients bit for bit on a BERT, never peaking higher", async () => {
    const config = new BertConfig({
      ...tinyBertSizes(4),
      hiddenSize: 32,
      intermediateSize: 128,
      numLabels: 3,
    });
    const model = AutoModelForTokenClassification.fromConfig(config, { seed: 3 });
    const loss = () => model.computeLoss(tinyTokenBatch(), { training: false });
    const vars = model.trainableVariables();
    let lean: Record<string, number[]> = {};
    let tfjs: Record<string, number[]> = {};
    const leanPeak = (
      await tf.profile(() => {
        lean = valuesOf(leanVariableGrads(loss, vars));
      })
    ).peakBytes;
    const tfjsPeak = (
      await tf.profile(() => {
        tfjs = valuesOf(tf.variableGrads(loss, vars));
      })
    ).peakBytes;
    expect(leanPeak).toBeLessThanOrEqual(tfjsPeak);
    expect(Object.keys(lean).length).toBe(vars.length + 1);
    expect(lean).toEqual(tfjs);
    model.dispose();
  });

  it('handles gradients that hand back their dy or a saved tensor, as tfjs does', () => {
    const w = tf.variable(tf.tensor1d([0.5, -2, 3]), true, 'lean-alias-w');
    // The identity's gradient returns dy itself; the square's gradient reads its saved input.
    const passDy = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
      save([x]);
      return { value: tf.mul(x, 1), gradFunc: (dy: tf.Tensor | tf.Tensor[]) => [dy as tf.Tensor] };
    }) as unknown as Parameters<typeof tf.customGrad>[0]);
    const f = () => tf.sum(tf.add(tf.square(passDy(w) as tf.Tensor), passDy(w) as tf.Tensor)) as tf.Scalar;
    const before = tf.memory().numTensors;
    const lean = valuesOf(leanVariableGrads(f, [w]));
    const tfjs = valuesOf(tf.variableGrads(f, [w]));
    expect(lean).toEqual(tfjs);
    expect(lean['lean-alias-w']).toEqual([2, -3, 7]);
    expect(tf.memory().numTensors).toBe(before);
    w.dispose();
  });

  it("throws tfjs' errors and leaks nothing, after which a gradient still works", () => {
    const w = tf.variable(tf.tensor1d([1, 2]), true, 'lean-errors-w');
    const other = tf.variable(tf.tensor1d([3]), true, 'lean-errors-other');
    const before = tf.memory().numTensors;
    expect(() => leanVariableGrads(() => tf.sum(tf.mul(other, 2)) as tf.Scalar, [w])).toThrow(
      /^Cannot find a connection between any variable and the result of the loss function/,
    );
    expect(() => leanVariableGrads(() => tf.mul(w, 2) as unknown as tf.Scalar, [w])).toThrow(
      'The f passed in variableGrads(f) must return a scalar, but it returned a rank-1 tensor',
    );
    expect(() =>
      leanVariableGrads(() => {
        tf.square(w);
        throw new Error('loss failed');
      }, [w]),
    ).toThrow('loss failed');
    expect(tf.memory().numTensors).toBe(before);
    // A backward pass that fails (memory runs out in a gradient kernel) frees the loss too.
    const failingGradient = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
      value: tf.square(args[0] as tf.Tensor),
      gradFunc: (): tf.Tensor[] => {
        throw new RangeError('Array buffer allocation failed');
      },
    }));
    expect(() =>
      leanVariableGrads(() => tf.sum(failingGradient(tf.mul(w, 3)) as tf.Tensor) as tf.Scalar, [w]),
    ).toThrow('Array buffer allocation failed');
    expect(tf.memory().numTensors).toBe(before);
    expect(
      valuesOf(leanVariableGrads(() => tf.sum(tf.square(w)) as tf.Scalar, [w]))['lean-errors-w'],
    ).toEqual([2, 4]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([w, other]);
  });

  it("is tfjs' own under an outer gradient, so a second derivative stays right", () => {
    const x = tf.tensor1d([0.5, -1.25, 2]);
    // d²/dx² x³ = 6x, the inner gradient taken by leanVariableGrads of a variable built from x.
    const second = tf.grad((v: tf.Tensor) => {
      const inner = tf.grad((u: tf.Tensor) => tf.sum(tf.pow(u, 3)))(v);
      return tf.sum(inner);
    })(x);
    expect(Array.from(second.dataSync())).toEqual([3, -7.5, 12]);
    const engine = tf.engine() as unknown as { state: { gradientDepth: number } };
    let depth = -1;
    const w = tf.variable(tf.tensor1d([2]), true, 'lean-outer-w');
    const outer = tf.grad((v: tf.Tensor) => {
      depth = engine.state.gradientDepth;
      const { value, grads } = leanVariableGrads(() => tf.sum(tf.mul(v, w)) as tf.Scalar, [w]);
      tf.dispose(Object.values(grads));
      return value;
    })(tf.tensor1d([3]));
    expect(depth).toBeGreaterThan(0);
    expect(Array.from(outer.dataSync())).toEqual([2]);
    tf.dispose([x, second, w, outer]);
  });
});
