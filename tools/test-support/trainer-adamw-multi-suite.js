// @ner/trainer's AdamW on a backend with NerAdamWMulti registered, the suite native and cuda
// run: bit for bit the parameters, moments and step counts it gives with the kernel unregistered
// (one NerAdamW per parameter), over 3 steps with two groups (decay 0.01 and 0), a parameter
// skipped in the first step (so step counts differ) and one sharing its storage (the
// per-parameter path for its first step); from the second step on, one tfjs kernel call per step.
// tfjs, vitest and AdamW come from the caller.
import { mulberry32 } from './random.cjs';

const SHAPES = { w1: [3, 4], w2: [5], b1: [4], b2: [2, 3] };

function randomValues(random, shape) {
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => random() * 2 - 1);
}

const toBits = (data) => Array.from(new Uint32Array(data.slice().buffer));

/** See the module comment; the options are described in index.d.ts. */
export function trainerAdamWMultiSuite(options) {
  const { tf, vitest, AdamW, backendName, multiKernel, stepLaunches } = options;
  const { it, expect, vi } = vitest;
  const describeSuite = options.describe ?? vitest.describe;

  /** The clipping coefficient of {@link threeSteps}' `multiplier` modes, a float32 value. */
  const COEFFICIENT = Math.fround(0.37);

  /**
   * Three AdamW steps from seeded values; `badStep3` gives b1 a gradient of the wrong shape in
   * step 3. `multiplier`: 'input' passes a clipping coefficient as `gradMultiplier`,
   * 'prescaled' gives the gradients times it instead.
   */
  function threeSteps(withMulti, badStep3 = false, multiplier = 'none') {
    const config = tf.getKernel(multiKernel, backendName);
    expect(config).toBeDefined();
    if (!withMulti) tf.unregisterKernel(multiKernel, backendName);
    const random = mulberry32(5);
    // w1's variable shares storage with a tensor kept alive (as a model's loaded weight may).
    const kept = tf.tensor(randomValues(random, SHAPES.w1), SHAPES.w1);
    const vars = Object.fromEntries(
      Object.entries(SHAPES).map(([name, shape]) => [
        name,
        name === 'w1'
          ? tf.variable(kept)
          : tf.tidy(() => tf.variable(tf.tensor(randomValues(random, shape), shape))),
      ]),
    );
    const optimizer = new AdamW(
      [
        {
          params: [
            ['w1', vars.w1],
            ['w2', vars.w2],
          ],
          weightDecay: 0.01,
        },
        {
          params: [
            ['b1', vars.b1],
            ['b2', vars.b2],
          ],
          weightDecay: 0,
          lr: 2e-3,
        },
      ],
      { lr: 1e-3 },
    );
    const run = { params: {}, state: {}, calls: [], launches: [], error: null };
    const runKernel = vi.spyOn(tf.engine(), 'runKernel');
    try {
      for (let step = 1; step <= 3; step++) {
        const grads = new Map();
        for (const [name, shape] of Object.entries(SHAPES)) {
          if (step === 1 && name === 'b2') continue;
          const gradShape = badStep3 && step === 3 && name === 'b1' ? [5] : shape;
          grads.set(name, tf.tensor(randomValues(random, gradShape), gradShape));
        }
        if (multiplier === 'prescaled') {
          for (const [name, grad] of grads) {
            grads.set(name, tf.mul(grad, tf.scalar(COEFFICIENT)));
            grad.dispose();
          }
        }
        const coefficient = multiplier === 'input' ? tf.scalar(COEFFICIENT) : undefined;
        runKernel.mockClear();
        const launches = stepLaunches?.();
        try {
          optimizer.step(grads, coefficient === undefined ? undefined : { gradMultiplier: coefficient });
        } catch (error) {
          run.error = error;
        }
        run.calls.push(runKernel.mock.calls.map(([kernel]) => kernel));
        if (launches) run.launches.push(launches.done());
        tf.dispose([...grads.values(), ...(coefficient ? [coefficient] : [])]);
      }
    } finally {
      runKernel.mockRestore();
      if (!withMulti) tf.registerKernel(config);
    }
    for (const [name, v] of Object.entries(vars)) run.params[name] = toBits(v.dataSync());
    for (const [name, entry] of Object.entries(optimizer.stateDict().state)) {
      run.state[name] = {
        step: entry.step,
        expAvg: toBits(entry.expAvg.data),
        expAvgSq: toBits(entry.expAvgSq.data),
      };
    }
    optimizer.dispose();
    tf.dispose([kept, ...Object.values(vars)]);
    return run;
  }

  describeSuite(`AdamW on ${backendName} with NerAdamWMulti`, () => {
    it('the same bits as one NerAdamW per parameter, one kernel call per step', () => {
      const multi = threeSteps(true);
      const single = threeSteps(false);
      expect(multi.error).toBeNull();
      expect(multi.params).toEqual(single.params);
      expect(multi.state).toEqual(single.state);
      const steps = Object.fromEntries(Object.entries(multi.state).map(([name, s]) => [name, s.step]));
      expect(steps).toEqual({ w1: 3, w2: 3, b1: 3, b2: 2 });
      // Step 1: w1 (storage shared with `kept`) alone, w2 and b1 in one multi call (after the
      // ZerosLike of the new moments); step 2 the same for b2's new moments, then all four in one
      // call; step 3 one call and nothing else.
      const fused = (calls) => calls.filter((k) => k.startsWith('NerAdamW'));
      expect(fused(multi.calls[0])).toEqual(['NerAdamW', 'NerAdamWMulti']);
      expect(fused(multi.calls[1])).toEqual(['NerAdamWMulti']);
      expect(multi.calls[2]).toEqual(['NerAdamWMulti']);
      expect(fused(single.calls[2])).toEqual(Array(4).fill('NerAdamW'));
      // One device step per updated parameter: 3 in step 1 (b2 has no gradient yet), then 4.
      if (stepLaunches && !multi.launches.includes(null)) expect(multi.launches).toEqual([3, 4, 4]);
    });

    it('gradMultiplier: the bits of gradients multiplied first; the kernel scales them, no op per gradient', () => {
      const multi = threeSteps(true, false, 'input');
      const single = threeSteps(false, false, 'prescaled');
      const unscaled = threeSteps(true);
      expect(multi.error).toBeNull();
      expect(multi.params).toEqual(single.params);
      expect(multi.state).toEqual(single.state);
      // The moments show the scaling (Adam's update hardly does: m / sqrt(v) cancels a constant
      // factor but for eps).
      expect(multi.state.w2.expAvg).not.toEqual(unscaled.state.w2.expAvg);
      // Step 1: w1 (storage shared) scaled by a Mul of its own, then NerAdamW; the others in the
      // multi call. Step 3: the multi call alone, the coefficient read by the kernel.
      const fused = (calls) => calls.filter((k) => k.startsWith('NerAdamW') || k === 'Multiply');
      expect(fused(multi.calls[0])).toEqual(['Multiply', 'NerAdamW', 'NerAdamWMulti']);
      expect(multi.calls[2]).toEqual(['NerAdamWMulti']);
      if (stepLaunches && !multi.launches.includes(null)) expect(multi.launches).toEqual([3, 4, 4]);
    });

    it('a gradient of the wrong shape: the parameters before it are updated as without the multi kernel', () => {
      const multi = threeSteps(true, true);
      const single = threeSteps(false, true);
      expect(multi.error).toBeInstanceOf(Error);
      expect(multi.error.message).toBe('AdamW.step: gradient of "b1" has shape [5], the parameter has [4].');
      expect(single.error.message).toBe(multi.error.message);
      expect(multi.params).toEqual(single.params);
      expect(multi.state).toEqual(single.state);
      expect(multi.state.w2.step).toBe(3);
      expect(multi.state.b1.step).toBe(2);
      // Step 3's flush: w1 and w2 in one call before the error surfaced.
      expect(multi.calls[2]).toEqual(['NerAdamWMulti']);
    });
  });
}
