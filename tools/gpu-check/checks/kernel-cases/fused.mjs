// Kernel cases (kernels-check.mjs): the fused LayerNorm and AdamW kernels against the composite ops
// on cpu.
import { adamwSteps, layerNormComposite, layerNormFused } from './fused-calls.mjs';
import { hostInput } from './inputs.mjs';

/** Adds the cases through `add(name, inputs, run, options)`. */
export function fusedCases(add) {
  for (const [rows, cols] of [
    [33, 17],
    [4096, 768],
    [5, 3072],
  ]) {
    const inputs = [
      hostInput([rows, cols], 'uniform', 301, { scale: 2 }),
      hostInput([cols], 'uniform', 302),
      hostInput([cols], 'uniform', 303),
      hostInput([rows, cols], 'uniform', 304),
    ];
    const run = (ln) => (t, x, gamma, beta, dy) => {
      const y = ln(t, x, gamma, beta, 1e-12);
      const grads = t.grads((xx, gg, bb) => t.sum(t.mul(ln(t, xx, gg, bb, 1e-12), dy)))([x, gamma, beta]);
      return [y, ...grads];
    };
    add(
      `NerLayerNorm + NerLayerNormGrad [${rows},${cols}] vs composite on cpu`,
      inputs,
      run(layerNormFused),
      {
        reference: run(layerNormComposite),
        needsKernel: 'NerLayerNorm',
      },
    );
  }

  add(
    'NerAdamW via @ner/trainer AdamW, 3 steps, two groups',
    [
      hostInput([768, 769], 'uniform', 311),
      hostInput([3], 'uniform', 312),
      hostInput([768, 769], 'uniform', 313, { scale: 0.01 }),
      hostInput([3], 'uniform', 314, { scale: 0.01 }),
    ],
    adamwSteps,
    { noTidy: true },
  );
  add(
    "NerAdamWMulti + NerSumSquaresMulti: the Trainer's clipping on the device, 3 steps",
    [
      hostInput([768, 769], 'uniform', 315),
      hostInput([3], 'uniform', 316),
      hostInput([768, 769], 'uniform', 317, { scale: 0.01 }),
      hostInput([3], 'uniform', 318, { scale: 0.01 }),
    ],
    (t, p1, p2, g1, g2) => adamwSteps(t, p1, p2, g1, g2, true),
    { noTidy: true },
  );
}
