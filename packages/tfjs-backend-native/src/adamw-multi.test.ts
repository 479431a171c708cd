// NerAdamWMulti on the native backend: N NerAdamW steps in one kernel call, bit for bit what N
// NerAdamW calls give (in place and not), one addon step per tensor, and hostile calls refused
// with AdamWMultiInputError before anything is allocated or written.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addon } from './addon.js';
import { ADAMW_KERNEL_NAME, ADAMW_MULTI_KERNEL_NAME, AdamWMultiInputError } from './index.js';
import { describeWithAddon, rng as mulberry32, useNativeBackend } from './test-helpers.js';

beforeAll(useNativeBackend);
afterAll(async () => {
  await tf.setBackend('cpu');
});

const SHAPES = [[3, 5], [300], [2, 2, 2], [1], [0], [17, 9]];
const SCALARS = ['decayFactor', 'beta1', 'beta2', 'biasCorrection2Sqrt', 'eps', 'stepSize'] as const;
type Scalars = Record<(typeof SCALARS)[number], number>;

/** Per-tensor scalars as @ner/trainer computes them: two groups (decay 0.01 and 0), steps 1..N. */
function scalarsOf(i: number): Scalars {
  const [lr, weightDecay, step, beta1, beta2] = [1e-3 * (i + 1), i % 2 === 0 ? 0.01 : 0, i + 1, 0.9, 0.999];
  return {
    decayFactor: 1 - lr * weightDecay,
    beta1,
    beta2,
    biasCorrection2Sqrt: Math.sqrt(1 - beta2 ** step),
    eps: i % 3 === 0 ? 1e-8 : 1e-6,
    stepSize: lr / (1 - beta1 ** step),
  };
}

/** Host values of each tensor's param, grad, m, v (v >= 0), from one seed. */
function hostValues(seed: number): Float32Array[][] {
  const random = mulberry32(seed);
  return SHAPES.map((shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return [0, 1, 2, 3].map((k) =>
      Float32Array.from({ length: n }, () => (k === 3 ? random() * 0.01 : random() * 2 - 1)),
    );
  });
}

/** Fresh tensors, each the sole owner of a copy of its values (native keeps a given array). */
function upload(values: Float32Array[][]): tf.Tensor[][] {
  return values.map((group, i) => group.map((v) => tf.tensor(v.slice(), SHAPES[i], 'float32')));
}

function multiInputs(tensors: tf.Tensor[][]): Record<string, tf.Tensor> {
  const inputs: Record<string, tf.Tensor> = {};
  tensors.forEach(([param, grad, m, v], i) => {
    Object.assign(inputs, { [`param${i}`]: param, [`grad${i}`]: grad, [`m${i}`]: m, [`v${i}`]: v });
  });
  return inputs;
}

function multiAttrs(count: number, inPlace: boolean): tf.NamedAttrMap {
  const attrs: Record<string, number[] | boolean> = { inPlace };
  for (const name of SCALARS) attrs[name] = Array.from({ length: count }, (_, i) => scalarsOf(i)[name]);
  return attrs as unknown as tf.NamedAttrMap;
}

/** The float32 bits, so -0 / NaN / rounding differences all show. */
function hostBits(values: Float32Array): number[] {
  return Array.from(new Uint32Array(values.slice().buffer));
}

function bits(t: tf.Tensor): number[] {
  return hostBits(t.dataSync() as Float32Array);
}

/** [param, m, v] bits of each tensor after one NerAdamW call each (not in place). */
function referenceBits(values: Float32Array[][]): number[][][] {
  return upload(values).map(([param, grad, m, v], i) => {
    const outputs = tf.engine().runKernel(ADAMW_KERNEL_NAME, { param: param!, grad: grad!, m: m!, v: v! }, {
      ...scalarsOf(i),
    } as unknown as tf.NamedAttrMap) as tf.Tensor[];
    const result = outputs.map(bits);
    tf.dispose([param!, grad!, m!, v!, ...outputs]);
    return result;
  });
}

/** Each input still holds the values it was made from. */
function expectUnchanged(tensors: tf.Tensor[][], values: Float32Array[][], label: string): void {
  tensors.forEach((group, i) => {
    group.forEach((t, k) => {
      expect(bits(t), `${label}: input ${k} of tensor ${i}`).toEqual(hostBits(values[i]![k]!));
    });
  });
}

function disposeAll(tensors: tf.Tensor[][]): void {
  tf.dispose(tensors.flat());
}

describeWithAddon('NerAdamWMulti', () => {
  it('is registered on native', () => {
    expect(tf.getKernel(ADAMW_MULTI_KERNEL_NAME, 'native')).toBeDefined();
  });

  it('in place: bit for bit N NerAdamW steps, no outputs, one addon step per tensor', () => {
    const values = hostValues(11);
    const expected = referenceBits(values);
    const tensors = upload(values);
    const bytes = tf.memory().numBytes;
    const steps = vi.spyOn(addon!, 'adamw');
    const outputs = tf
      .engine()
      .runKernel(
        ADAMW_MULTI_KERNEL_NAME,
        multiInputs(tensors),
        multiAttrs(SHAPES.length, true),
      ) as tf.Tensor[];
    expect(outputs).toEqual([]);
    expect(steps).toHaveBeenCalledTimes(SHAPES.length);
    steps.mockRestore();
    expect(tf.memory().numBytes).toBe(bytes);
    tensors.forEach(([param, grad, m, v], i) => {
      expect([bits(param!), bits(m!), bits(v!)], `tensor ${i}`).toEqual(expected[i]);
      expect(bits(grad!)).toEqual(hostBits(values[i]![1]!));
    });
    // The reference is not trivially the inputs: every non-empty param moved.
    values.forEach((group, i) => {
      if (group[0]!.length > 0) expect(expected[i]![0]).not.toEqual(hostBits(group[0]!));
    });
    disposeAll(tensors);
  });

  it('not in place (asked so, or one state tensor shared): 3 new tensors per tensor, inputs untouched', () => {
    const values = hostValues(12);
    const expected = referenceBits(values);
    for (const mode of ['inPlace false', 'one m shared by a clone'] as const) {
      const tensors = upload(values);
      const clone = mode === 'one m shared by a clone' ? tf.clone(tensors[4]![2]!) : null;
      const outputs = tf
        .engine()
        .runKernel(
          ADAMW_MULTI_KERNEL_NAME,
          multiInputs(tensors),
          multiAttrs(SHAPES.length, mode !== 'inPlace false'),
        ) as tf.Tensor[];
      expect(outputs, mode).toHaveLength(3 * SHAPES.length);
      tensors.forEach((_, i) => {
        expect(outputs.slice(3 * i, 3 * i + 3).map(bits), `${mode}: tensor ${i}`).toEqual(expected[i]);
        expect(outputs[3 * i]!.shape).toEqual(SHAPES[i]);
      });
      expectUnchanged(tensors, values, mode);
      tf.dispose([...outputs, ...(clone ? [clone] : [])]);
      disposeAll(tensors);
    }
  });

  it('no tensors: nothing to do', () => {
    expect(tf.engine().runKernel(ADAMW_MULTI_KERNEL_NAME, {}, multiAttrs(0, true))).toEqual([]);
  });

  describe('hostile calls throw AdamWMultiInputError naming the input; nothing allocated or written', () => {
    const cases: [
      string,
      (inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>) => void,
      RegExp,
      string,
      number | null,
    ][] = [
      [
        'a grad of another shape',
        (inputs) => {
          inputs.grad2 = tf.zeros([2, 4]);
        },
        /^NerAdamWMulti: input "grad2" has shape \[2,4\], the parameter "param2" has \[2,2,2\]$/,
        'grad2',
        2,
      ],
      [
        'v3 missing',
        (inputs) => {
          delete inputs.v3;
        },
        /^NerAdamWMulti: input "v3" is missing$/,
        'v3',
        3,
      ],
      [
        'an int32 m',
        (inputs) => {
          inputs.m5 = tf.zeros([17, 9], 'int32');
        },
        /^NerAdamWMulti: input "m5" must be a float32 tensor, got int32$/,
        'm5',
        5,
      ],
      [
        'a stepSize array one short',
        (_, attrs) => {
          attrs.stepSize = (attrs.stepSize as number[]).slice(1);
        },
        /^NerAdamWMulti: attribute "stepSize" must be an array of 6 numbers \(one per tensor\), got 5$/,
        'stepSize',
        null,
      ],
      [
        'an input of no tensor group',
        (inputs) => {
          inputs.bias0 = tf.zeros([3, 5]);
        },
        /^NerAdamWMulti: unexpected input "bias0"$/,
        'bias0',
        null,
      ],
    ];
    it.each(cases)('%s', (_, spoil, message, input, index) => {
      const values = hostValues(13);
      const tensors = upload(values);
      const inputs = multiInputs(tensors);
      const attrs = multiAttrs(SHAPES.length, true) as unknown as Record<string, unknown>;
      spoil(inputs, attrs);
      const extra = Object.values(inputs).filter((t) => !tensors.flat().includes(t));
      const before = { bytes: tf.memory().numBytes, tensors: tf.memory().numTensors };
      const steps = vi.spyOn(addon!, 'adamw');
      let error: unknown;
      try {
        tf.engine().runKernel(ADAMW_MULTI_KERNEL_NAME, inputs, attrs as tf.NamedAttrMap);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AdamWMultiInputError);
      expect((error as Error).message).toMatch(message);
      expect((error as AdamWMultiInputError).input).toBe(input);
      expect((error as AdamWMultiInputError).index).toBe(index);
      expect(steps).not.toHaveBeenCalled();
      steps.mockRestore();
      expect(tf.memory().numBytes).toBe(before.bytes);
      expect(tf.memory().numTensors).toBe(before.tensors);
      expectUnchanged(tensors, values, 'after the error');
      tf.dispose(extra);
      disposeAll(tensors);
    });
  });
});
