// Kernel cases (kernels-check.mjs): gradients through the pieces of a BERT layer.
import { geluErf } from './fused-calls.mjs';
import { hostInput } from './inputs.mjs';

/** Adds the cases through `add(name, inputs, run, options)`. */
export function gradientCases(add) {
  // Gradients through the pieces of a BERT layer (the backward kernels: transposed products,
  // reductions of broadcast gradients, softmax and gather gradients, masks).
  add(
    'grad: linear + geluErf + linear + layerNorm-like + logSoftmax loss',
    [
      hostInput([3, 17, 32], 'uniform', 261, { scale: 1 }),
      hostInput([48, 32], 'uniform', 262, { scale: 0.2 }),
      hostInput([48], 'uniform', 263, { scale: 0.2 }),
      hostInput([9, 48], 'uniform', 264, { scale: 0.2 }),
      hostInput([9], 'uniform', 265, { scale: 0.2 }),
      hostInput([3, 17], 'index', 266, { limit: 9 }),
    ],
    (t, x, w1, b1, w2, b2, labels) =>
      t.grads((xx, ww1, bb1, ww2, bb2) => {
        const flat = t.reshape(xx, [51, 32]);
        const h = geluErf(t.add(t.matMul(flat, ww1, false, true), bb1));
        const y = t.reshape(t.add(t.matMul(h, ww2, false, true), bb2), [3, 17, 9]);
        const mean = t.mean(y, -1, true);
        const centered = t.sub(y, mean);
        const normed = t.mul(centered, t.rsqrt(t.add(t.mean(t.square(centered), -1, true), 1e-12)));
        const logp = t.logSoftmax(normed);
        return t.neg(t.mean(t.sum(t.mul(logp, t.oneHot(labels, 9)), -1)));
      })([x, w1, b1, w2, b2]),
  );
  add(
    'grad: attention (scores, mask, softmax, context, merge heads)',
    [
      hostInput([2, 4, 17, 8], 'uniform', 271, { scale: 1 }),
      hostInput([2, 4, 17, 8], 'uniform', 272, { scale: 1 }),
      hostInput([2, 4, 17, 8], 'uniform', 273, { scale: 1 }),
      hostInput([2, 1, 1, 17], 'bool', 274),
    ],
    (t, q, k, v, mask) =>
      t.grads((qq, kk, vv) => {
        const scores = t.add(
          t.div(t.matMul(qq, kk, false, true), Math.sqrt(8)),
          t.mul(t.sub(1, t.cast(mask, 'float32')), -1e9),
        );
        const context = t.matMul(t.softmax(scores), vv);
        const merged = t.reshape(t.transpose(context, [0, 2, 1, 3]), [2, 17, 32]);
        return t.sum(t.square(merged));
      })([q, k, v]),
  );
  add(
    'grad: embeddings gather + scatterND (embeddingLookup) + padding mask',
    [hostInput([100, 16], 'uniform', 281), hostInput([4, 13], 'index', 282, { limit: 100 })],
    (t, table, ids) =>
      t.grads((tt) => {
        const rows = t.gather(tt, t.reshape(ids, [-1]));
        const keep = t.cast(t.notEqual(t.reshape(ids, [-1]), 0), 'float32');
        return t.sum(t.mul(t.square(rows), t.expandDims(keep, 1)));
      })([table]),
  );
  add('grad: slice, concat, transpose', [hostInput([3, 5, 7], 'uniform', 291)], (t, x) =>
    t.grads((xx) => {
      const s = t.slice(xx, [1, 0, 2], [2, 4, 5]);
      const c = t.concat([s, t.transpose(s, [0, 1, 2])], 2);
      return t.sum(t.mul(c, c));
    })([x]),
  );
  add('grad: geluErf', [hostInput([7, 129], 'uniform', 295)], (t, x) =>
    t.grads((xx) => t.sum(t.mul(geluErf(xx), xx)))([x]),
  );
}
