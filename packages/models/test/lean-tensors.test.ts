// computeGradients keeps the tensors its backward pass needs without tfjs' Identity clones
// (src/lean-tensors.ts) on cpu and native, and with them on wasm; on every backend the loss and
// gradients are tfjs' own bit for bit, and nothing leaks. Under an outer gradient tfjs' clones
// stay, so a second-order gradient is still right. The gradient functions' reshapes are views
// without a kernel call where no tape records, and tf.reshape where one does.
import { tinyBertSizes, tinyTokenBatch } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutoModelForTokenClassification, BertConfig, registerGradients } from '../src/index.js';
import { reshapeView, withLeanSaves } from '../src/lean-tensors.js';
import { ORACLE_BACKENDS, restoreCpu, useBackend } from './backends.js';

beforeAll(() => registerGradients());
afterAll(restoreCpu);

function tinyBert() {
  const config = new BertConfig({ ...tinyBertSizes(2), numLabels: 3 });
  return { model: AutoModelForTokenClassification.fromConfig(config, { seed: 3 }), batch: tinyTokenBatch() };
}

/** Loss and gradients as plain arrays, with the names of the kernels run. */
async function gradients(run: () => { loss: tf.Tensor; grads: Map<string, tf.Tensor> }) {
  let values: number[][] = [];
  const profile = await tf.profile(() => {
    const { loss, grads } = run();
    values = [loss, ...grads.values()].map((t) => Array.from(t.dataSync()));
    tf.dispose([loss, ...grads.values()]);
  });
  return { values, kernels: profile.kernels.map((k) => k.name) };
}

describe.each(ORACLE_BACKENDS)('computeGradients on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it("gives tfjs' own loss and gradients bit for bit, leaking nothing", async () => {
    const { model, batch } = tinyBert();
    const before = tf.memory().numTensors;
    const lean = await gradients(() => model.computeGradients(batch));
    expect(tf.memory().numTensors).toBe(before);
    // tfjs' own saves: the same gradient taken without withLeanSaves.
    const params = model.namedParameters();
    const names = params.map(([name]) => name);
    const tfjs = await gradients(() => {
      const { value, grads } = tf.variableGrads(() => model.computeLoss(batch), model.trainableVariables());
      return { loss: value, grads: new Map(params.map(([name, v]) => [name, grads[v.name]!] as const)) };
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(lean.values.length).toBe(names.length + 1);
    for (const [i, v] of lean.values.entries())
      expect(v, i === 0 ? 'loss' : names[i - 1]).toEqual(tfjs.values[i]);

    const identities = (kernels: string[]) => kernels.filter((k) => k === 'Identity').length;
    expect(identities(tfjs.kernels)).toBeGreaterThan(50);
    if (backend === 'wasm') {
      // wasm's Identity copies, so its saves stay tfjs' own.
      expect(identities(lean.kernels)).toBe(identities(tfjs.kernels));
    } else {
      expect(identities(lean.kernels)).toBeLessThan(identities(tfjs.kernels) / 10);
      expect(lean.kernels.length).toBeLessThan(tfjs.kernels.length);
    }
    model.dispose();
  });
});

describe('withLeanSaves', () => {
  beforeAll(() => useBackend('cpu'));

  it("keeps tfjs' clones under an outer gradient, so a second derivative stays right", () => {
    const x = tf.tensor1d([0.5, -1.25, 2]);
    // d²/dx² x³ = 6x: the inner gradient's saved x must stay on the outer tape.
    const second = tf.grad((v: tf.Tensor) =>
      tf.sum(withLeanSaves(() => tf.grad((u: tf.Tensor) => tf.sum(tf.pow(u, 3)))(v))),
    )(x);
    expect(Array.from(second.dataSync())).toEqual([3, -7.5, 12]);
    tf.dispose([x, second]);
  });

  it('leaves the engine as it was, after a throw and when nested', () => {
    const engine = tf.engine() as unknown as object;
    expect(() =>
      withLeanSaves(() => {
        expect(Object.hasOwn(engine, 'clone')).toBe(true);
        withLeanSaves(() => expect(Object.hasOwn(engine, 'clone')).toBe(true));
        expect(Object.hasOwn(engine, 'clone')).toBe(true);
        throw new Error('inside');
      }),
    ).toThrow('inside');
    expect(Object.hasOwn(engine, 'clone')).toBe(false);
  });

  it('saves a tensor whose data lives on another backend, moving it as Identity would', async () => {
    await tf.setBackend('wasm');
    const onWasm = tf.tensor1d([1, 2, 3]);
    await tf.setBackend('cpu');
    // The forward never reads `onWasm`: only the save touches it.
    const scaled = tf.customGrad(((a: tf.Tensor, save: tf.GradSaveFunc) => {
      save([onWasm]);
      return { value: tf.mul(a, 2), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, saved[0]!) };
    }) as unknown as Parameters<typeof tf.customGrad>[0]);
    const x = tf.tensor1d([4, 5, 6]);
    const before = tf.memory().numTensors;
    const g = withLeanSaves(() => tf.grad((v: tf.Tensor) => tf.sum(scaled(v)))(x));
    expect(Array.from(g.dataSync())).toEqual([1, 2, 3]);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(Array.from(onWasm.dataSync())).toEqual([1, 2, 3]); // still alive after its save was freed
    tf.dispose([x, onWasm, g]);
  });
});

describe('reshapeView', () => {
  afterAll(() => useBackend('cpu'));

  it('is a view of the same data without a kernel call where no tape records (cpu)', async () => {
    await useBackend('cpu');
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    let view: tf.Tensor | undefined;
    const { kernels } = await tf.profile(() => {
      view = reshapeView(x, [-1, 2]);
    });
    expect(kernels).toEqual([]);
    expect(view!.shape).toEqual([3, 2]);
    expect(view!.dataId).toBe(x.dataId);
    view!.dispose();
    expect(Array.from(x.dataSync())).toEqual([1, 2, 3, 4, 5, 6]); // x keeps its data
    expect(() => reshapeView(x, [4, 2])).toThrow(/Size\(6\) must match the product of shape 4,2/);
    x.dispose();
  });

  it('is tf.reshape where a tape records, so gradients flow through it', async () => {
    const x = tf.tensor1d([1, 2, 3, 4, 5, 6]);
    const w = tf.tensor2d([1, 10, 100, 1000, 1e4, 1e5], [3, 2]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(reshapeView(v, [3, 2]), w)))(x);
    expect(Array.from(g.dataSync())).toEqual([1, 10, 100, 1000, 1e4, 1e5]);
    tf.dispose([x, w, g]);
  });

  it('is tf.reshape on wasm, whose kernels copy', async () => {
    await useBackend('wasm');
    const x = tf.tensor1d([1, 2, 3, 4]);
    const { kernels } = await tf.profile(() => {
      reshapeView(x, [2, 2]).dispose();
    });
    expect(kernels.map((k) => k.name)).toEqual(['Reshape']);
    x.dispose();
  });
});
