// The NerAdamWMulti suite every backend that registers the kernel runs (native, cuda): N NerAdamW
// steps in one kernel call, bit for bit what N NerAdamW calls give (in place and not), the
// backend's device steps counted, and hostile calls refused with the contract's
// AdamWMultiInputError before anything is allocated or written. tfjs and vitest come from the
// caller, so this package needs neither.
import { mulberry32 } from './random.cjs';

/** The tensors of every case: odd sizes, one of rank 3, a scalar-sized and an empty one. */
export const ADAMW_MULTI_SHAPES = [[3, 5], [300], [2, 2, 2], [1], [0], [17, 9]];
const SCALARS = ['decayFactor', 'beta1', 'beta2', 'biasCorrection2Sqrt', 'eps', 'stepSize'];

/** Per-tensor scalars as @ner/trainer computes them: two groups (decay 0.01 and 0), steps 1..N. */
function scalarsOf(i) {
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
function hostValues(seed) {
  const random = mulberry32(seed);
  return ADAMW_MULTI_SHAPES.map((shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return [0, 1, 2, 3].map((k) =>
      Float32Array.from({ length: n }, () => (k === 3 ? random() * 0.01 : random() * 2 - 1)),
    );
  });
}

/** The float32 bits, so -0 / NaN / rounding differences all show. */
function hostBits(values) {
  return Array.from(new Uint32Array(values.slice().buffer));
}

function multiInputs(tensors) {
  const inputs = {};
  tensors.forEach(([param, grad, m, v], i) => {
    Object.assign(inputs, { [`param${i}`]: param, [`grad${i}`]: grad, [`m${i}`]: m, [`v${i}`]: v });
  });
  return inputs;
}

function multiAttrs(count, inPlace) {
  const attrs = { inPlace };
  for (const name of SCALARS) attrs[name] = Array.from({ length: count }, (_, i) => scalarsOf(i)[name]);
  return attrs;
}

/** Hostile calls: [label, spoil(inputs, attrs), message, input named, tensor index]. */
const HOSTILE = [
  [
    'a grad of another shape',
    (tf, inputs) => {
      inputs.grad2 = tf.zeros([2, 4]);
    },
    /^NerAdamWMulti: input "grad2" has shape \[2,4\], the parameter "param2" has \[2,2,2\]$/,
    'grad2',
    2,
  ],
  [
    'v3 missing',
    (_tf, inputs) => {
      delete inputs.v3;
    },
    /^NerAdamWMulti: input "v3" is missing$/,
    'v3',
    3,
  ],
  [
    'an int32 m',
    (tf, inputs) => {
      inputs.m5 = tf.zeros([17, 9], 'int32');
    },
    /^NerAdamWMulti: input "m5" must be a float32 tensor, got int32$/,
    'm5',
    5,
  ],
  [
    'a stepSize array one short',
    (_tf, _inputs, attrs) => {
      attrs.stepSize = attrs.stepSize.slice(1);
    },
    /^NerAdamWMulti: attribute "stepSize" must be an array of 6 numbers \(one per tensor\), got 5$/,
    'stepSize',
    null,
  ],
  [
    'an int32 gradMultiplier',
    (tf, inputs) => {
      inputs.gradMultiplier = tf.scalar(1, 'int32');
    },
    /^NerAdamWMulti: input "gradMultiplier" must be a float32 tensor, got int32$/,
    'gradMultiplier',
    null,
  ],
  [
    'a gradMultiplier of two numbers',
    (tf, inputs) => {
      inputs.gradMultiplier = tf.tensor1d([0.5, 0.5]);
    },
    /^NerAdamWMulti: input "gradMultiplier" must hold one number, got shape \[2\] \(2 elements\)$/,
    'gradMultiplier',
    null,
  ],
  [
    'an input of no tensor group',
    (tf, inputs) => {
      inputs.bias0 = tf.zeros([3, 5]);
    },
    /^NerAdamWMulti: unexpected input "bias0"$/,
    'bias0',
    null,
  ],
];

/** See the module comment; the options are described in index.d.ts. */
export function adamwMultiSuite(options) {
  const { tf, vitest, backendName, kernels, InputError, bytesInUse, watchSteps, inPlaceSteps } = options;
  const { it, expect } = vitest;
  const describeSuite = options.describe ?? vitest.describe;
  const bits = (t) => hostBits(t.dataSync());
  const upload = (values) =>
    values.map((group, i) => group.map((v) => tf.tensor(v.slice(), ADAMW_MULTI_SHAPES[i], 'float32')));
  const disposeAll = (tensors) => tf.dispose(tensors.flat());
  const runMulti = (inputs, attrs) => tf.engine().runKernel(kernels.multi, inputs, attrs);
  /**
   * [param, m, v] bits of each tensor after one NerAdamW call each (not in place), given
   * `tf.mul(grad, multiplier)` when there is a multiplier.
   */
  const referenceBits = (values, multiplier) =>
    upload(values).map(([param, grad, m, v], i) => {
      const scaled = multiplier === undefined ? grad : tf.mul(grad, tf.scalar(multiplier));
      const outputs = tf
        .engine()
        .runKernel(kernels.single, { param, grad: scaled, m, v }, { ...scalarsOf(i) });
      const result = outputs.map(bits);
      tf.dispose([param, grad, scaled, m, v, ...outputs]);
      return result;
    });
  /** Each input still holds the values it was made from. */
  const expectUnchanged = (tensors, values, label) => {
    tensors.forEach((group, i) => {
      group.forEach((t, k) => {
        expect(bits(t), `${label}: input ${k} of tensor ${i}`).toEqual(hostBits(values[i][k]));
      });
    });
  };

  describeSuite('NerAdamWMulti', () => {
    it(`is registered on ${backendName}`, () => {
      expect(tf.getKernel(kernels.multi, backendName)).toBeDefined();
    });

    it('in place: bit for bit N NerAdamW steps, no outputs, no new memory', () => {
      const values = hostValues(11);
      const expected = referenceBits(values);
      const tensors = upload(values);
      const bytes = bytesInUse();
      const steps = watchSteps();
      const outputs = runMulti(multiInputs(tensors), multiAttrs(ADAMW_MULTI_SHAPES.length, true));
      expect(outputs).toEqual([]);
      const counted = steps.done();
      if (counted !== null) expect(counted).toBe(inPlaceSteps);
      expect(bytesInUse()).toBe(bytes);
      tensors.forEach(([param, grad, m, v], i) => {
        expect([bits(param), bits(m), bits(v)], `tensor ${i}`).toEqual(expected[i]);
        expect(bits(grad)).toEqual(hostBits(values[i][1]));
      });
      // The reference is not trivially the inputs: every non-empty param moved.
      values.forEach((group, i) => {
        if (group[0].length > 0) expect(expected[i][0]).not.toEqual(hostBits(group[0]));
      });
      disposeAll(tensors);
    });

    it('not in place (asked so, or one state tensor shared): 3 new tensors per tensor, inputs untouched', () => {
      const values = hostValues(12);
      const expected = referenceBits(values);
      for (const mode of ['inPlace false', 'one m shared by a clone']) {
        const tensors = upload(values);
        const clone = mode === 'one m shared by a clone' ? tf.clone(tensors[4][2]) : null;
        const attrs = multiAttrs(ADAMW_MULTI_SHAPES.length, mode !== 'inPlace false');
        const outputs = runMulti(multiInputs(tensors), attrs);
        expect(outputs, mode).toHaveLength(3 * ADAMW_MULTI_SHAPES.length);
        tensors.forEach((_, i) => {
          expect(outputs.slice(3 * i, 3 * i + 3).map(bits), `${mode}: tensor ${i}`).toEqual(expected[i]);
          expect(outputs[3 * i].shape).toEqual(ADAMW_MULTI_SHAPES[i]);
        });
        expectUnchanged(tensors, values, mode);
        tf.dispose([...outputs, ...(clone ? [clone] : [])]);
        disposeAll(tensors);
      }
    });

    it('gradMultiplier: bit for bit NerAdamW given tf.mul(grad, c), in place and not; the grads untouched', () => {
      const values = hostValues(14);
      for (const [c, shape] of [
        [Math.fround(0.3721), []],
        [Math.fround(2.5), [1]],
        [1, [1, 1]],
      ]) {
        const expected = referenceBits(values, c);
        for (const inPlace of [true, false]) {
          const label = `c = ${c}, shape [${shape}], inPlace ${inPlace}`;
          const tensors = upload(values);
          const multiplier = tf.tensor([c], shape, 'float32');
          const inputs = { ...multiInputs(tensors), gradMultiplier: multiplier };
          const outputs = runMulti(inputs, multiAttrs(ADAMW_MULTI_SHAPES.length, inPlace));
          const got = inPlace
            ? tensors.map(([param, , m, v]) => [bits(param), bits(m), bits(v)])
            : tensors.map((_, i) => outputs.slice(3 * i, 3 * i + 3).map(bits));
          expect(got, label).toEqual(expected);
          tensors.forEach(([, grad], i) => {
            expect(bits(grad), `${label}: grad ${i}`).toEqual(hostBits(values[i][1]));
          });
          expect(multiplier.dataSync()[0]).toBe(c);
          tf.dispose([...outputs, multiplier]);
          disposeAll(tensors);
        }
      }
      // The multiplier matters: c = 2.5 is not the step without it.
      expect(referenceBits(values, Math.fround(2.5))).not.toEqual(referenceBits(values));
      expect(referenceBits(values, 1)).toEqual(referenceBits(values));
    });

    it('gradMultiplier that an in-place step writes (param3): every step reads the value given', () => {
      const values = hostValues(15);
      const c = values[3][0][0];
      const expected = referenceBits(values, c);
      const tensors = upload(values);
      const inputs = { ...multiInputs(tensors), gradMultiplier: tensors[3][0] };
      expect(runMulti(inputs, multiAttrs(ADAMW_MULTI_SHAPES.length, true))).toEqual([]);
      tensors.forEach(([param, , m, v], i) => {
        expect([bits(param), bits(m), bits(v)], `tensor ${i}`).toEqual(expected[i]);
      });
      disposeAll(tensors);
    });

    it('no tensors: nothing to do', () => {
      expect(runMulti({}, multiAttrs(0, true))).toEqual([]);
    });

    vitest.describe(
      'hostile calls throw AdamWMultiInputError naming the input; nothing allocated or written',
      () => {
        it.each(HOSTILE)('%s', (_, spoil, message, input, index) => {
          const values = hostValues(13);
          const tensors = upload(values);
          const inputs = multiInputs(tensors);
          const attrs = multiAttrs(ADAMW_MULTI_SHAPES.length, true);
          spoil(tf, inputs, attrs);
          const extra = Object.values(inputs).filter((t) => !tensors.flat().includes(t));
          const before = { bytes: bytesInUse(), tensors: tf.memory().numTensors };
          const steps = watchSteps();
          let error;
          try {
            runMulti(inputs, attrs);
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(InputError);
          expect(error.message).toMatch(message);
          expect(error.input).toBe(input);
          expect(error.index).toBe(index);
          const counted = steps.done();
          if (counted !== null) expect(counted).toBe(0);
          expect(bytesInUse()).toBe(before.bytes);
          expect(tf.memory().numTensors).toBe(before.tensors);
          expectUnchanged(tensors, values, 'after the error');
          tf.dispose(extra);
          disposeAll(tensors);
        });
      },
    );
  });
}
