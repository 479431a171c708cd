// The fused kernels as @ner/models and @ner/trainer call them, on whichever backend registers them,
// and the composite ops they replace (the reference on cpu, which registers none of them).
import { tf, trainer } from '../../lib/deps.mjs';

/** NerGeluErf / NerGeluErfGrad through customGrad, as @ner/models' fused-kernels.ts calls them. */
function geluErfFused(t, x) {
  const op = t.customGrad((input, save) => {
    save([input]);
    return {
      value: t.engine().runKernel('NerGeluErf', { x: input }, {}),
      gradFunc: (dy, saved) => [
        t.engine().runKernel('NerGeluErfGrad', { dy: Array.isArray(dy) ? dy[0] : dy, x: saved[0] }, {}),
      ],
    };
  });
  return op(x);
}

/** `0.5 x (1 + erf(x / sqrt 2))` with ops: the reference on cpu. */
const geluErfComposite = (t, x) => t.mul(t.mul(x, 0.5), t.add(t.erf(t.mul(x, Math.SQRT1_2)), 1));

/** Fused on a backend that registers the kernel (cuda), composite elsewhere (cpu). */
export function geluErf(x) {
  return tf.getKernel('NerGeluErf', tf.getBackend()) ? geluErfFused(tf, x) : geluErfComposite(tf, x);
}

/** Softmax's gradient: NerSoftmaxGrad where the backend registers it (cuda), the composite elsewhere (cpu). */
export function softmaxGrad(dy, y) {
  return tf.getKernel('NerSoftmaxGrad', tf.getBackend())
    ? tf.engine().runKernel('NerSoftmaxGrad', { dy, y }, {})
    : tf.mul(y, tf.sub(dy, tf.sum(tf.mul(dy, y), -1, true)));
}

/** NerLayerNorm(Grad) the way @ner/models calls them, on whichever backend registers them. */
export function layerNormFused(t, x, gamma, beta, eps) {
  const op = t.customGrad((input, g, b, save) => {
    const [y, mean, rstd] = t.engine().runKernel('NerLayerNorm', { x: input, gamma: g, beta: b }, { eps });
    save([input, g, mean, rstd]);
    return {
      value: y,
      gradFunc: (dy, saved) =>
        t.engine().runKernel('NerLayerNormGrad', {
          dy: Array.isArray(dy) ? dy[0] : dy,
          x: saved[0],
          gamma: saved[1],
          mean: saved[2],
          rstd: saved[3],
        }),
    };
  });
  return op(x, gamma, beta);
}
export function layerNormComposite(t, x, gamma, beta, eps) {
  const mean = t.mean(x, -1, true);
  const centered = t.sub(x, mean);
  const variance = t.mean(t.square(centered), -1, true);
  return t.add(t.mul(t.mul(centered, t.rsqrt(t.add(variance, eps))), gamma), beta);
}

/**
 * @ner/trainer's AdamW, three steps (NerAdamW on cuda, its op-by-op path on cpu); `clip`: each
 * step clipped as the Trainer does, on the device (the norm, its coefficient, and AdamW's
 * gradMultiplier), with maxNorm 0.5 so that every step clips; the norms are outputs too.
 */
export function adamwSteps(t, p1, p2, g1, g2, clip = false) {
  const v1 = t.variable(p1.clone(), true, `p1-${Math.random()}`);
  const v2 = t.variable(p2.clone(), true, `p2-${Math.random()}`);
  const optimizer = new trainer.AdamW(
    [
      { params: [['w', v1]], weightDecay: 0.01 },
      { params: [['b', v2]], weightDecay: 0 },
    ],
    { lr: 1e-3 },
  );
  const norms = [];
  for (let s = 1; s <= 3; s++) {
    const grads = new Map([
      ['w', t.mul(g1, s)],
      ['b', t.mul(g2, 1 / s)],
    ]);
    if (clip) {
      const norm = trainer.gradNormTensor(grads);
      const coefficient = trainer.clipCoefficient(norm, 0.5);
      optimizer.step(grads, { gradMultiplier: coefficient });
      norms.push(norm);
      coefficient.dispose();
    } else optimizer.step(grads);
    t.dispose([...grads.values()]);
  }
  const out = [v1.clone(), v2.clone(), ...norms];
  optimizer.dispose?.();
  v1.dispose();
  v2.dispose();
  return out;
}
