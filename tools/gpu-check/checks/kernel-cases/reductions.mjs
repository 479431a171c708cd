// Kernel cases (kernels-check.mjs): reductions over any axes, column sums, two-pass long rows,
// softmax and log-softmax.
import { hostInput, randomShape, rng } from './inputs.mjs';

/** Adds the cases through `add(name, inputs, run, options)`; `draws` random shapes per op. */
export function reductionCases(add, draws) {
  // Reductions over the last axis, the first, a middle one, several, everything; keepDims both ways.
  const REDUCE = {
    sum: ['uniform', (t, x, axis, keep) => t.sum(x, axis, keep)],
    mean: ['uniform', (t, x, axis, keep) => t.mean(x, axis, keep)],
    max: ['uniform', (t, x, axis, keep) => t.max(x, axis, keep)],
    min: ['uniform', (t, x, axis, keep) => t.min(x, axis, keep)],
    prod: ['positive', (t, x, axis, keep) => t.prod(t.add(t.mul(t.sub(x, 1.5), 0.05), 1), axis, keep)],
    sumInt: ['int', (t, x, axis, keep) => t.sum(x, axis, keep)],
    maxInt: ['int', (t, x, axis, keep) => t.max(x, axis, keep)],
    any: ['bool', (t, x, axis, keep) => t.any(x, axis, keep)],
    all: ['bool', (t, x, axis, keep) => t.all(x, axis, keep)],
    argMax: ['uniform', (t, x, axis) => t.argMax(x, Array.isArray(axis) ? axis[0] : axis)],
    argMin: ['uniform', (t, x, axis) => t.argMin(x, Array.isArray(axis) ? axis[0] : axis)],
    logSumExp: ['uniform', (t, x, axis, keep) => t.logSumExp(x, axis, keep)],
  };
  for (const [name, [kind, fn]] of Object.entries(REDUCE)) {
    for (let d = 0; d < draws + 1; d++) {
      const r = rng(5000 + d * 11 + name.length * 5);
      const shape = randomShape(r, 2, 4);
      const rank = shape.length;
      const single = name.startsWith('arg');
      const axis = [rank - 1, 0, Math.floor(rank / 2), single ? rank - 1 : [0, rank - 1]][d % 4];
      const keep = d % 2 === 1 && !single;
      add(
        `reduce ${name} [${shape}] axis ${axis}${keep ? ' keepDims' : ''}`,
        [hostInput(shape, kind, 101 + d)],
        (t, x) => fn(t, x, axis, keep),
      );
    }
    if (!name.startsWith('arg')) {
      const shape = randomShape(rng(5500 + name.length), 1, 3);
      add(`reduce ${name} [${shape}] all axes`, [hostInput(shape, kind, 111)], (t, x) =>
        fn(t, x, undefined, false),
      );
    }
  }
  // The row lengths BERT reduces over (768, 3072) and a long one, besides the odd ones above.
  for (const cols of [768, 3072, 30522]) {
    add(`reduce sum [7,${cols}] axis -1`, [hostInput([7, cols], 'uniform', 121)], (t, x) => t.sum(x, -1));
    add(`reduce max [7,${cols}] axis -1`, [hostInput([7, cols], 'uniform', 122)], (t, x) => t.max(x, -1));
  }
  // Bias gradients: float32 sums over the leading axes run as one product with a ones vector (fp32
  // whatever the TF32 switch); the shapes of a bert-base step and odd ones.
  for (const [shape, axes] of [
    [
      [32, 128, 768],
      [0, 1],
    ],
    [[4096, 3072], [0]],
    [
      [3, 1000, 9],
      [0, 1],
    ],
    [[1537, 5], [0]],
  ]) {
    add(`reduce sum [${shape}] axes [${axes}] (column sums)`, [hostInput(shape, 'uniform', 131)], (t, x) =>
      t.sum(x, axes),
    );
  }

  // Few long rows are reduced in two passes over equal chunks (reduce.ts reductionChunks): a
  // whole gradient's sum of squares (clipGradNorm), several long rows, and a mean and a max.
  add(
    'reduce sum of squares [768,3072] all axes (two passes)',
    [hostInput([768, 3072], 'uniform', 161)],
    (t, x) => t.sum(t.square(x)),
  );
  add('reduce sum [3,73728] axis -1 (two passes)', [hostInput([3, 73728], 'uniform', 162)], (t, x) =>
    t.sum(x, -1),
  );
  add('reduce mean [65536] (two passes)', [hostInput([65536], 'uniform', 163)], (t, x) => t.mean(x));
  add('reduce max [4096,768] all axes (two passes)', [hostInput([4096, 768], 'uniform', 164)], (t, x) =>
    t.max(x),
  );

  for (let d = 0; d < draws; d++) {
    const r = rng(6000 + d);
    const shape = randomShape(r, 1, 4);
    add(`softmax [${shape}]`, [hostInput(shape, 'uniform', 131 + d, { scale: 8 })], (t, x) => t.softmax(x));
    add(`logSoftmax [${shape}]`, [hostInput(shape, 'uniform', 141 + d, { scale: 8 })], (t, x) =>
      t.logSoftmax(x),
    );
  }
  add(
    'softmax attention [2,12,128,128] with mask',
    [hostInput([2, 12, 128, 128], 'uniform', 151, { scale: 4 }), hostInput([2, 1, 1, 128], 'bool', 152)],
    (t, x, m) => t.softmax(t.add(x, t.mul(t.sub(1, t.cast(m, 'float32')), -3.4028234663852886e38))),
  );
}
