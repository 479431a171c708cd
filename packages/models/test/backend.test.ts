// Backend selection, and the wasm backend's broken fused product-and-bias (tfjs-backend-wasm 4.22)
// with our workaround in linear(). The models' oracle suite runs on every backend (oracle-*.test.ts).
import '@tensorflow/tfjs-backend-cpu';
import { nativeBackendInfo } from '@ner/tfjs-backend-native';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { BackendError, initBackend, registerGradients, resetBackendChoice } from '../src/index.js';
import { linear } from '../src/nn.js';
import { type OracleBackend, relativeError, useBackend } from './backends.js';

afterAll(async () => {
  resetBackendChoice();
  await tf.setBackend('cpu');
});

describe('initBackend', () => {
  it('NER_BACKEND forces a backend and the choice is logged once', async () => {
    resetBackendChoice();
    const lines: string[] = [];
    const info = await initBackend({ env: { NER_BACKEND: 'cpu' }, log: (line) => lines.push(line) });
    expect(info.choice).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    await initBackend({ env: { NER_BACKEND: 'cpu' }, log: (line) => lines.push(line) });
    expect(lines).toEqual(['[@ner/models] TensorFlow.js backend: cpu (forced by NER_BACKEND)']);
    expect(info.reason).toBe('forced by NER_BACKEND');
  });

  it('refuses an option it does not take, before choosing', async () => {
    resetBackendChoice();
    await expect(initBackend({ backend: 'cuda' } as object)).rejects.toThrow(
      'initBackend: backend: unknown option; the backend to try first is prefer',
    );
    await expect(initBackend({ prefered: 'wasm' } as object)).rejects.toThrow(BackendError);
    await expect(initBackend({ prefered: 'wasm' } as object)).rejects.toThrow(/did you mean prefer\?$/);
  });

  it('a forced backend that is not installed is an error, an unknown name too', async () => {
    resetBackendChoice();
    await expect(initBackend({ env: { NER_BACKEND: 'tfjs-node' }, log: null })).rejects.toThrow(
      /NER_BACKEND=tfjs-node but @tensorflow\/tfjs-node cannot be used/,
    );
    resetBackendChoice();
    await expect(initBackend({ env: { NER_BACKEND: 'cuda' }, log: null })).rejects.toThrow(BackendError);
  });

  it('without NER_BACKEND, skips the backends that are not installed and takes native (or wasm without its addon)', async () => {
    resetBackendChoice();
    const lines: string[] = [];
    const info = await initBackend({ env: {}, log: (line) => lines.push(line) });
    if (nativeBackendInfo().available) {
      expect(info.skipped.map((line) => line.split(':')[0])).toEqual(['cuda', 'tfjs-node-gpu', 'tfjs-node']);
      expect(info.choice).toBe('native');
      expect(tf.getBackend()).toBe('native');
      // The line says which GEMM runs and whether OpenBLAS is there (the addon builds without it).
      const summary = nativeBackendInfo().summary;
      expect(summary).toMatch(
        /^(AVX-512|AVX2|portable|OpenBLAS) GEMM(, OpenBLAS (linked|not found|left out by .+|found but not linkable))?$/,
      );
      expect(lines).toEqual([`[@ner/models] TensorFlow.js backend: native (${summary})`]);
      expect(info.reason).toBe(summary);
    } else {
      expect(info.skipped.map((line) => line.split(':')[0])).toEqual([
        'cuda',
        'tfjs-node-gpu',
        'tfjs-node',
        'native',
      ]);
      expect(info.choice).toBe('wasm');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^\[@ner\/models\] TensorFlow\.js backend: wasm \(native unavailable: /);
    }
  });

  it('prefer: wasm goes before native', async () => {
    resetBackendChoice();
    const lines: string[] = [];
    const info = await initBackend({ env: {}, prefer: 'wasm', log: (line) => lines.push(line) });
    expect(info.choice).toBe('wasm');
    expect(lines).toEqual(['[@ner/models] TensorFlow.js backend: wasm (preferred)']);
    expect(tf.getBackend()).toBe('wasm');
  });
});

/** The issue's example: x [2, 3], a PyTorch-layout weight [2, 3] that picks x's first two columns. */
function fusedIssueExample(transposeB: boolean): number[] {
  return tf.tidy(() => {
    const a = tf.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const picker = tf.tensor2d([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    const b = transposeB ? picker : tf.transpose(picker);
    return Array.from(tf.fused.matMul({ a, b, transposeB, bias: tf.tensor1d([10, 100]) }).dataSync());
  });
}

describe('upstream: tfjs-backend-wasm 4.22 _FusedMatMul adds the wrong bias (docs/troubleshooting.md)', () => {
  // These pin the upstream bug. When one fails after a tfjs upgrade, the kernel changed: check the
  // cases below and the troubleshooting page, then linearOnWasm() in src/nn.ts (which relies on the
  // untransposed XNNPACK path being right) may be dropped if transposeB is right and as fast.
  it('cpu: [[1,2,3],[4,5,6]] times the picker, plus [10, 100], is [[11, 102], [14, 105]]', async () => {
    await useBackend('cpu');
    expect(fusedIssueExample(true)).toEqual([11, 102, 14, 105]);
    expect(fusedIssueExample(false)).toEqual([11, 102, 14, 105]);
  });

  it('wasm with transposeB: every row after the first gets the last bias element ([[11, 102], [104, 105]])', async () => {
    await useBackend('wasm');
    expect(fusedIssueExample(true)).toEqual([11, 102, 104, 105]);
    // Without a transpose and with batch 1 the kernel takes XNNPACK's fully-connected path: right.
    expect(fusedIssueExample(false)).toEqual([11, 102, 14, 105]);
  });

  it('wasm with transposeB and 100 input features: the bias is added once per 48-feature block (3 times)', async () => {
    await useBackend('wasm');
    const values = tf.tidy(() =>
      tf.fused
        .matMul({
          a: tf.ones([1, 100]) as tf.Tensor2D,
          b: tf.zeros([2, 100]) as tf.Tensor2D,
          transposeB: true,
          bias: tf.tensor1d([1, 2]),
        })
        .dataSync(),
    );
    expect(Array.from(values)).toEqual([3, 6]);
  });

  it('wasm: the gradients of the fused op are right (tfjs-core builds them from plain products and a sum)', async () => {
    const gradientsOn = async (backend: OracleBackend) => {
      await useBackend(backend);
      registerGradients();
      return tf.tidy(() => {
        const a = tf.tensor2d([
          [1, 2, 3],
          [4, 5, 6],
        ]);
        const b = tf.tensor2d([
          [0.5, -1, 2],
          [3, 0.25, -2],
        ]);
        const bias = tf.tensor1d([10, 100]);
        const weights = tf.tensor2d([
          [1, -2],
          [3, 4],
        ]);
        const f = (x: tf.Tensor, w: tf.Tensor, c: tf.Tensor) =>
          tf.sum(
            tf.mul(
              tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, transposeB: true, bias: c }),
              weights,
            ),
          );
        return tf
          .grads(f)([a, b, bias])
          .map((grad) => Array.from(grad.dataSync()));
      });
    };
    expect(await gradientsOn('wasm')).toEqual(await gradientsOn('cpu'));
  });
});

describe('linear() works around it: wasm equals cpu with a nonzero bias', () => {
  /** A seeded pattern of values in [-1, 1]. */
  const pattern = (size: number, phase: number) =>
    Array.from({ length: size }, (_, i) => Math.sin(i * 0.731 + phase) * Math.cos(i * 0.117 + 2 * phase));

  /** linear(x, W, b), and the gradients of sum(linear * r) with respect to x, W and b. */
  async function linearOn(backend: OracleBackend, xShape: number[], outFeatures: number) {
    await useBackend(backend);
    registerGradients();
    const inFeatures = xShape[xShape.length - 1]!;
    const rows = xShape.slice(0, -1).reduce((n, d) => n * d, 1);
    return tf.tidy(() => {
      const x = tf.tensor(pattern(rows * inFeatures, 1), xShape);
      const weight = tf.tensor2d(pattern(outFeatures * inFeatures, 2), [outFeatures, inFeatures]);
      const bias = tf.tensor1d(pattern(outFeatures, 3).map((v) => v + Math.sign(v) * 0.5));
      const r = tf.tensor(pattern(rows * outFeatures, 4), [...xShape.slice(0, -1), outFeatures]);
      const y = linear(x, weight, bias);
      const grads = tf.grads((xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) =>
        tf.sum(tf.mul(linear(xi, wi, bi), r)),
      )([x, weight, bias]);
      return { shape: y.shape, values: [y, ...grads].map((t) => Float32Array.from(t.dataSync())) };
    });
  }

  it.each([
    { xShape: [2, 3], outFeatures: 2 },
    { xShape: [3, 12, 32], outFeatures: 37 },
    { xShape: [2, 5, 100], outFeatures: 7 },
  ])('x $xShape, $outFeatures outputs: values and gradients', async ({ xShape, outFeatures }) => {
    const reference = await linearOn('cpu', xShape, outFeatures);
    const actual = await linearOn('wasm', xShape, outFeatures);
    expect(actual.shape).toEqual([...xShape.slice(0, -1), outFeatures]);
    expect(reference.values).toHaveLength(4);
    ['output', 'd x', 'd weight', 'd bias'].forEach((what, i) => {
      expect(relativeError(actual.values[i]!, reference.values[i]!), what).toBeLessThanOrEqual(1e-6);
    });
  });
});
