#!/usr/bin/env node
// Step (b) of the GPU check: every kernel a BERT step uses (and the ops around them) on `cuda`
// against `cpu` (@tensorflow/tfjs-backend-cpu), on seeded random shapes with broadcasting,
// transposes and odd sizes. Float outputs must be within NER_GPU_KERNEL_RTOL (1e-5) relative
// (||cuda - cpu|| / ||cpu||, NaN/Inf at the same places); int32 and bool outputs must be equal.
// The fused kernels (NerLayerNorm(Grad), NerGeluErf(Grad), NerAdamW) have no cpu twin: they are
// compared with the composite ops @ner/models and @ner/trainer run on cpu. Random uniform (dropout)
// draws differ by design: it is checked for range, moments and repeatability per seed.
// Products under bf16 autocast are compared with cpu products of the host-rounded operands.
// Each case also records the kernels that fell back to the cpu (getFallbackCounts() deltas).
//
//   node tools/gpu-check/checks/kernels-check.mjs [--json out.json]
//   env: NER_GPU_KERNEL_RTOL (1e-5), NER_GPU_KERNEL_DRAWS (random shapes per op, 3),
//        NER_GPU_KERNEL_FILTER (substring of case names to run)
import {
  compareValues,
  envNumber,
  envString,
  firstLine,
  randomArray,
  writeJsonResult,
} from '../lib/common.mjs';
import { countsDelta, fallbackCounts, loadCuda, useCuda } from '../lib/cuda.mjs';
import { models, tf, trainer } from '../lib/deps.mjs';

const rtol = envNumber('NER_GPU_KERNEL_RTOL', 1e-5);
const draws = envNumber('NER_GPU_KERNEL_DRAWS', 3);
const filter = envString('NER_GPU_KERNEL_FILTER');

// ---- seeded shapes and inputs -------------------------------------------------------------------

function rng(seed) {
  let state = (seed * 2654435761) >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
const ODD = [1, 2, 3, 5, 7, 13, 17, 31, 33, 64, 65, 129];
const pick = (r, list) => list[Math.floor(r() * list.length)];
const size = (shape) => shape.reduce((a, b) => a * b, 1);

/** A shape of rank in [minRank, maxRank] with odd sizes, at most `maxSize` elements. */
function randomShape(r, minRank, maxRank, maxSize = 40000) {
  const rank = minRank + Math.floor(r() * (maxRank - minRank + 1));
  const shape = Array.from({ length: rank }, () => pick(r, ODD));
  while (size(shape) > maxSize) shape[shape.indexOf(Math.max(...shape))] = pick(r, [1, 3, 5, 7]);
  return shape;
}

/** A shape that broadcasts against `shape`: leading axes dropped, some axes set to 1. */
function broadcastPartner(r, shape) {
  const drop = Math.floor(r() * shape.length);
  return shape.slice(drop).map((d) => (r() < 0.35 ? 1 : d));
}

/** Host data for one input: `kind` picks the range (positive for log/sqrt/pow, ties for compares...). */
function hostInput(shape, kind, seed, extra = {}) {
  const n = size(shape);
  const u = randomArray(n, seed);
  let dtype = 'float32';
  let values;
  switch (kind) {
    case 'uniform':
      values = u.map((x) => x * (extra.scale ?? 3));
      break;
    case 'positive':
      values = u.map((x) => 0.05 + Math.abs(x) * 3);
      break;
    case 'nonzero':
      values = u.map((x) => (x < 0 ? x - 0.5 : x + 0.5) * 2);
      break;
    case 'ties':
      values = u.map((x) => Math.round(x * 3) / 2);
      break;
    case 'int':
      dtype = 'int32';
      values = Int32Array.from(u, (x) => Math.round(x * 10));
      break;
    case 'intNonzero':
      dtype = 'int32';
      values = Int32Array.from(u, (x) => (x < 0 ? -1 : 1) * (1 + Math.floor(Math.abs(x) * 7)));
      break;
    case 'index':
      dtype = 'int32';
      values = Int32Array.from(u, (x) => Math.floor(((x + 1) / 2) * extra.limit) % extra.limit);
      break;
    case 'bool':
      dtype = 'bool';
      values = Uint8Array.from(u, (x) => (x > 0 ? 1 : 0));
      break;
    case 'special':
      values = u.map((x, i) =>
        i % 11 === 0 ? Number.NaN : i % 13 === 0 ? Number.POSITIVE_INFINITY : i % 17 === 0 ? -0 : x * 3,
      );
      break;
    default:
      throw new Error(`unknown input kind ${kind}`);
  }
  return { shape, dtype, values };
}

// ---- erf GELU as @ner/models runs it: the backend's fused kernels where registered, else ops ----

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
function geluErf(x) {
  return tf.getKernel('NerGeluErf', tf.getBackend()) ? geluErfFused(tf, x) : geluErfComposite(tf, x);
}

// ---- the cases -------------------------------------------------------------------------------------

/** `{ name, inputs: host inputs, run(t, ...tensors) => Tensor | Tensor[], reference?(...) on cpu }` */
const cases = [];
const add = (name, inputs, run, options = {}) => cases.push({ name, inputs, run, ...options });

const UNARY = {
  neg: ['uniform', (t, x) => t.neg(x)],
  exp: ['uniform', (t, x) => t.exp(x)],
  log: ['positive', (t, x) => t.log(x)],
  logNegative: ['uniform', (t, x) => t.log(x)],
  sqrt: ['positive', (t, x) => t.sqrt(x)],
  rsqrt: ['positive', (t, x) => t.rsqrt(x)],
  square: ['uniform', (t, x) => t.square(x)],
  abs: ['uniform', (t, x) => t.abs(x)],
  tanh: ['uniform', (t, x) => t.tanh(x)],
  sigmoid: ['uniform', (t, x) => t.sigmoid(x)],
  relu: ['uniform', (t, x) => t.relu(x)],
  relu6: ['uniform', (t, x) => t.relu6(t.mul(x, 3))],
  leakyRelu: ['uniform', (t, x) => t.leakyRelu(x, 0.2)],
  elu: ['uniform', (t, x) => t.elu(x)],
  erf: ['uniform', (t, x) => t.erf(x)],
  reciprocal: ['nonzero', (t, x) => t.reciprocal(x)],
  sign: ['ties', (t, x) => t.sign(x)],
  log1p: ['positive', (t, x) => t.log1p(x)],
  expm1: ['uniform', (t, x) => t.expm1(x)],
  floor: ['uniform', (t, x) => t.floor(x)],
  ceil: ['uniform', (t, x) => t.ceil(x)],
  round: ['ties', (t, x) => t.round(x)],
  sin: ['uniform', (t, x) => t.sin(x)],
  cos: ['uniform', (t, x) => t.cos(x)],
  softplus: ['uniform', (t, x) => t.softplus(t.mul(x, 10))],
  step: ['ties', (t, x) => t.step(x)],
  clipByValue: ['uniform', (t, x) => t.clipByValue(x, -0.5, 1.25)],
  isNaN: ['special', (t, x) => t.isNaN(x)],
  isFinite: ['special', (t, x) => t.isFinite(x)],
  isInf: ['special', (t, x) => t.isInf(x)],
  expSpecial: ['special', (t, x) => t.exp(x)],
};
for (const [name, [kind, fn]] of Object.entries(UNARY)) {
  for (let d = 0; d < draws; d++) {
    const r = rng(1000 + d * 97 + name.length);
    const shape = randomShape(r, 1, 4);
    add(`unary ${name} [${shape}]`, [hostInput(shape, kind, 11 + d)], fn);
  }
}

for (const shape of [[7], [33, 129], [4, 128, 3072]]) {
  add(`NerGeluErf [${shape}] vs composite on cpu`, [hostInput(shape, 'uniform', 15)], (_t, x) => geluErf(x), {
    needsKernel: 'NerGeluErf',
  });
}

/** Softmax's gradient: NerSoftmaxGrad where the backend registers it (cuda), the composite elsewhere (cpu). */
function softmaxGrad(dy, y) {
  return tf.getKernel('NerSoftmaxGrad', tf.getBackend())
    ? tf.engine().runKernel('NerSoftmaxGrad', { dy, y }, {})
    : tf.mul(y, tf.sub(dy, tf.sum(tf.mul(dy, y), -1, true)));
}
for (const shape of [[7], [33, 129], [2, 12, 128, 128]]) {
  add(
    `NerSoftmaxGrad [${shape}] vs composite on cpu`,
    [hostInput(shape, 'uniform', 16), hostInput(shape, 'positive', 17)],
    (_t, dy, y) => softmaxGrad(dy, y),
    { needsKernel: 'NerSoftmaxGrad' },
  );
}

const BINARY_F32 = {
  add: ['uniform', 'uniform', (t, a, b) => t.add(a, b)],
  sub: ['uniform', 'uniform', (t, a, b) => t.sub(a, b)],
  mul: ['uniform', 'uniform', (t, a, b) => t.mul(a, b)],
  div: ['uniform', 'nonzero', (t, a, b) => t.div(a, b)],
  maximum: ['ties', 'ties', (t, a, b) => t.maximum(a, b)],
  minimum: ['ties', 'ties', (t, a, b) => t.minimum(a, b)],
  pow: ['positive', 'uniform', (t, a, b) => t.pow(a, b)],
  squaredDifference: ['uniform', 'uniform', (t, a, b) => t.squaredDifference(a, b)],
  floorDiv: ['uniform', 'nonzero', (t, a, b) => t.floorDiv(a, b)],
  mod: ['uniform', 'nonzero', (t, a, b) => t.mod(a, b)],
  atan2: ['uniform', 'uniform', (t, a, b) => t.atan2(a, b)],
  equal: ['ties', 'ties', (t, a, b) => t.equal(a, b)],
  notEqual: ['ties', 'ties', (t, a, b) => t.notEqual(a, b)],
  less: ['ties', 'ties', (t, a, b) => t.less(a, b)],
  lessEqual: ['ties', 'ties', (t, a, b) => t.lessEqual(a, b)],
  greater: ['ties', 'ties', (t, a, b) => t.greater(a, b)],
  greaterEqual: ['ties', 'ties', (t, a, b) => t.greaterEqual(a, b)],
};
const BINARY_I32 = {
  add: (t, a, b) => t.add(a, b),
  sub: (t, a, b) => t.sub(a, b),
  mul: (t, a, b) => t.mul(a, b),
  maximum: (t, a, b) => t.maximum(a, b),
  minimum: (t, a, b) => t.minimum(a, b),
  floorDiv: (t, a, b) => t.floorDiv(a, b),
  mod: (t, a, b) => t.mod(a, b),
  div: (t, a, b) => t.div(a, b),
  equal: (t, a, b) => t.equal(a, b),
  less: (t, a, b) => t.less(a, b),
  greaterEqual: (t, a, b) => t.greaterEqual(a, b),
};
for (const [name, [kindA, kindB, fn]] of Object.entries(BINARY_F32)) {
  for (let d = 0; d < draws; d++) {
    const r = rng(2000 + d * 131 + name.length * 7);
    const shape = randomShape(r, 1, 5);
    const other = d === 0 ? shape : broadcastPartner(r, shape);
    const [sa, sb] = d === 2 ? [other, shape] : [shape, other];
    add(
      `binary f32 ${name} [${sa}] [${sb}]`,
      [hostInput(sa, kindA, 21 + d), hostInput(sb, kindB, 31 + d)],
      fn,
    );
  }
  const r = rng(2500 + name.length);
  const shape = randomShape(r, 1, 3);
  add(`binary f32 ${name} [${shape}] scalar`, [hostInput(shape, kindA, 41), hostInput([], kindB, 42)], fn);
}
for (const [name, fn] of Object.entries(BINARY_I32)) {
  for (let d = 0; d < draws; d++) {
    const r = rng(3000 + d * 17 + name.length * 3);
    const shape = randomShape(r, 1, 4);
    const other = broadcastPartner(r, shape);
    const kindB = ['floorDiv', 'mod', 'div'].includes(name) ? 'intNonzero' : 'int';
    add(
      `binary i32 ${name} [${shape}] [${other}]`,
      [hostInput(shape, 'int', 51 + d), hostInput(other, kindB, 61 + d)],
      fn,
    );
  }
}
for (const [name, fn] of Object.entries({
  logicalAnd: (t, a, b) => t.logicalAnd(a, b),
  logicalOr: (t, a, b) => t.logicalOr(a, b),
  logicalNotOfA: (t, a) => t.logicalNot(a),
})) {
  const r = rng(3500 + name.length);
  const shape = randomShape(r, 1, 4);
  const other = broadcastPartner(r, shape);
  add(
    `logical ${name} [${shape}] [${other}]`,
    [hostInput(shape, 'bool', 71), hostInput(other, 'bool', 72)],
    fn,
  );
}
for (let d = 0; d < draws; d++) {
  const r = rng(4000 + d);
  const shape = randomShape(r, 1, 4);
  const condShape = broadcastPartner(r, shape);
  add(
    `select f32 [${condShape}] [${shape}] [${shape}]`,
    [hostInput(condShape, 'bool', 81 + d), hostInput(shape, 'uniform', 82), hostInput(shape, 'uniform', 83)],
    (t, c, a, b) => t.where(c, a, b),
  );
  add(
    `select i32 [${shape}]`,
    [hostInput(shape, 'bool', 84 + d), hostInput(shape, 'int', 85), hostInput(shape, 'int', 86)],
    (t, c, a, b) => t.where(c, a, b),
  );
}
for (const [from, to, kind] of [
  ['float32', 'int32', 'uniform'],
  ['float32', 'bool', 'ties'],
  ['int32', 'float32', 'int'],
  ['int32', 'bool', 'int'],
  ['bool', 'float32', 'bool'],
  ['bool', 'int32', 'bool'],
]) {
  const shape = randomShape(rng(4500 + from.length + to.length), 1, 4);
  add(`cast ${from}->${to} [${shape}]`, [hostInput(shape, kind, 91)], (t, x) => t.cast(x, to));
}

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

for (const [shape, perm] of [
  [
    [7, 13],
    [1, 0],
  ],
  [
    [3, 5, 17],
    [0, 2, 1],
  ],
  [
    [3, 5, 17],
    [2, 0, 1],
  ],
  [
    [2, 33, 12, 64],
    [0, 2, 1, 3],
  ],
  [
    [2, 12, 33, 64],
    [0, 2, 1, 3],
  ],
  [
    [5, 1, 7, 3],
    [3, 2, 1, 0],
  ],
  [
    [2, 3, 1, 5, 7],
    [4, 0, 3, 1, 2],
  ],
  [
    [2, 3, 2, 3, 2, 3],
    [5, 4, 3, 2, 1, 0],
  ],
]) {
  add(`transpose [${shape}] perm [${perm}]`, [hostInput(shape, 'uniform', 161)], (t, x) =>
    t.transpose(x, perm),
  );
  add(`transpose int32 [${shape}] perm [${perm}]`, [hostInput(shape, 'int', 162)], (t, x) =>
    t.transpose(x, perm),
  );
}

for (const [tableShape, idsShape, axis] of [
  [[1000, 64], [7, 33], 0],
  [[28996, 768], [4, 128], 0],
  [[5, 17, 3], [9], 1],
  [[13, 7], [5, 2], 1],
]) {
  const limit = tableShape[axis];
  add(
    `gather [${tableShape}] ids [${idsShape}] axis ${axis}`,
    [hostInput(tableShape, 'uniform', 171), hostInput(idsShape, 'index', 172, { limit })],
    (t, x, i) => t.gather(x, i, axis),
  );
}
add(
  'gather int32 [50,3] ids [17]',
  [hostInput([50, 3], 'int', 173), hostInput([17], 'index', 174, { limit: 50 })],
  (t, x, i) => t.gather(x, i),
);

for (const [rows, width, segments] of [
  [33, 7, 5],
  [512, 768, 100],
  [1000, 1, 17],
]) {
  add(
    `unsortedSegmentSum [${rows},${width}] into ${segments}`,
    [hostInput([rows, width], 'uniform', 181), hostInput([rows], 'index', 182, { limit: segments })],
    (t, x, s) => t.unsortedSegmentSum(x, s, segments),
  );
}
for (const [rows, width, outRows] of [
  [33, 7, 50],
  [512, 768, 1000],
]) {
  add(
    `scatterND [${rows},${width}] into [${outRows},${width}] (duplicates)`,
    [hostInput([rows, 1], 'index', 191, { limit: outRows }), hostInput([rows, width], 'uniform', 192)],
    (t, i, u) => t.scatterND(i, u, [outRows, width]),
  );
}
add(
  'scatterND depth 2 [40,2] into [9,11,3]',
  [hostInput([40, 2], 'index', 193, { limit: 9 }), hostInput([40, 3], 'uniform', 194)],
  (t, i, u) => t.scatterND(i, u, [9, 11, 3]),
);

for (const [shape, paddings, value] of [
  [
    [7, 13],
    [
      [1, 2],
      [3, 0],
    ],
    0,
  ],
  [
    [3, 5, 17],
    [
      [0, 0],
      [2, 2],
      [0, 7],
    ],
    -1.5,
  ],
  [
    [2, 3, 4, 5],
    [
      [1, 0],
      [0, 1],
      [2, 0],
      [0, 3],
    ],
    0,
  ],
]) {
  add(
    `pad [${shape}] ${JSON.stringify(paddings)} value ${value}`,
    [hostInput(shape, 'uniform', 201)],
    (t, x) => t.pad(x, paddings, value),
  );
}
add('pad int32 [5,7]', [hostInput([5, 7], 'int', 202)], (t, x) =>
  t.pad(
    x,
    [
      [1, 1],
      [2, 0],
    ],
    3,
  ),
);

for (const [shapes, axis] of [
  [
    [
      [7, 3],
      [7, 5],
      [7, 1],
    ],
    1,
  ],
  [
    [
      [2, 3],
      [5, 3],
    ],
    0,
  ],
  [
    [
      [2, 3, 4],
      [2, 1, 4],
      [2, 7, 4],
    ],
    1,
  ],
  [
    [
      [2, 12, 33, 64],
      [2, 12, 33, 64],
    ],
    3,
  ],
]) {
  add(
    `concat ${JSON.stringify(shapes)} axis ${axis}`,
    shapes.map((s, i) => hostInput(s, 'uniform', 211 + i)),
    (t, ...xs) => t.concat(xs, axis),
  );
}
add('concat int32 axis 0', [hostInput([3, 4], 'int', 215), hostInput([2, 4], 'int', 216)], (t, a, b) =>
  t.concat([a, b], 0),
);
for (const [shape, begin, sz] of [
  [
    [7, 13],
    [2, 3],
    [4, 9],
  ],
  [
    [3, 5, 17],
    [1, 0, 4],
    [2, -1, 13],
  ],
  [
    [4, 128, 9],
    [0, 1, 0],
    [4, 126, 9],
  ],
]) {
  add(`slice [${shape}] begin [${begin}] size [${sz}]`, [hostInput(shape, 'uniform', 221)], (t, x) =>
    t.slice(x, begin, sz),
  );
}
add('stridedSlice [9,17] step [2,3]', [hostInput([9, 17], 'uniform', 222)], (t, x) =>
  t.stridedSlice(x, [1, 0], [8, 17], [2, 3]),
);
add('split [6,10] into 3 on axis 1', [hostInput([6, 12], 'uniform', 223)], (t, x) => t.split(x, 3, 1));
add('tile [3,1,5] x [2,4,1]', [hostInput([3, 1, 5], 'uniform', 224)], (t, x) => t.tile(x, [2, 4, 1]));
add('oneHot [33] depth 9', [hostInput([33], 'index', 231, { limit: 9 })], (t, i) => t.oneHot(i, 9));
add('oneHot with -100 labels', [hostInput([4, 7], 'int', 232)], (t, i) =>
  t.oneHot(t.where(t.less(i, 0), t.fill(i.shape, -100, 'int32'), t.mod(i, t.scalar(9, 'int32'))), 9),
);
add('range 0..1000 step 0.5', [], (t) => t.range(0, 1000, 0.5));
add('zerosLike / onesLike / fill', [hostInput([5, 7], 'uniform', 233)], (t, x) => [
  t.zerosLike(x),
  t.onesLike(x),
  t.fill([3, 4], 2.5),
]);

// Products: transposes, batches, batch broadcasting, odd sizes, the bias/relu epilogues.
for (const [aShape, bShape, transA, transB] of [
  [[33, 65], [65, 17], false, false],
  [[65, 33], [65, 17], true, false],
  [[33, 65], [17, 65], false, true],
  [[65, 33], [17, 65], true, true],
  [[1, 768], [768, 9], false, false],
  [[129, 768], [3072, 768], false, true],
  [[3, 7, 5], [3, 5, 11], false, false],
  [[24, 33, 64], [24, 33, 64], false, true],
  [[24, 33, 33], [24, 33, 64], false, false],
  [[2, 12, 33, 64], [2, 12, 64, 33], false, false],
  [[5, 7, 3], [1, 3, 4], false, false],
  [[1, 7, 3], [6, 3, 4], false, false],
  [[4, 5, 7, 3], [5, 3, 2], false, false],
]) {
  add(
    `matMul [${aShape}]${transA ? 'T' : ''} @ [${bShape}]${transB ? 'T' : ''}`,
    [hostInput(aShape, 'uniform', 241, { scale: 1 }), hostInput(bShape, 'uniform', 242, { scale: 1 })],
    (t, a, b) => t.matMul(a, b, transA, transB),
  );
}
for (const [m, k, n, activation] of [
  [33, 65, 17, 'linear'],
  [129, 768, 3072, 'linear'],
  [7, 64, 9, 'relu'],
]) {
  add(
    `fused matMul [${m},${k}] @ [${n},${k}]T + bias, ${activation}`,
    [
      hostInput([m, k], 'uniform', 251, { scale: 1 }),
      hostInput([n, k], 'uniform', 252, { scale: 1 }),
      hostInput([n], 'uniform', 253),
    ],
    (t, a, b, bias) => t.fused.matMul({ a, b, transposeB: true, bias, activation }),
  );
}

// bf16 autocast (@ner/models' withAutocast on cuda): both operands rounded to bfloat16 (nearest
// even), fp32 accumulation. The cpu reference multiplies the operands rounded on the host the same
// way (exact products, fp32 sums), so only the summation order differs; an fp32 product (autocast
// not applied) would be ~1e-3 away and fail. Seeded random shapes, transposes and batches, plus
// the fused bias/relu epilogue.
/** float32 values rounded to bfloat16 (as tools/kernel-contract's roundToBf16 and ner_cast_f32_bf16). */
function roundBf16(values) {
  const out = new Float32Array(values.length);
  const inBits = new Uint32Array(Float32Array.from(values).buffer);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const b = inBits[i];
    outBits[i] =
      (b & 0x7fffffff) > 0x7f800000
        ? (b | 0x400000) & 0xffff0000
        : ((b + 0x7fff + ((b >>> 16) & 1)) & 0xffff0000) >>> 0;
  }
  return out;
}
const bf16Tensor = (t, x) => t.tensor(roundBf16(x.dataSync()), x.shape);
const underBf16 =
  (fn) =>
  (t, ...xs) =>
    models.withAutocast('bf16', () => fn(t, ...xs));
for (let d = 0; d < Math.max(draws, 1) * 2; d++) {
  const r = rng(900 + d);
  const [m, k, n] = [pick(r, ODD), pick(r, [...ODD, 768]), pick(r, ODD)];
  const [transA, transB] = [r() < 0.5, r() < 0.5];
  const batch = d % 3 === 0 ? [] : d % 3 === 1 ? [pick(r, [2, 3, 12])] : [2, pick(r, [1, 3])];
  const bBatch = d % 3 === 2 ? [1, batch[1]] : batch;
  const aShape = [...batch, ...(transA ? [k, m] : [m, k])];
  const bShape = [...bBatch, ...(transB ? [n, k] : [k, n])];
  add(
    `bf16 autocast matMul [${aShape}]${transA ? 'T' : ''} @ [${bShape}]${transB ? 'T' : ''}`,
    [
      hostInput(aShape, 'uniform', 910 + d, { scale: 1 }),
      hostInput(bShape, 'uniform', 930 + d, { scale: 1 }),
    ],
    underBf16((t, a, b) => t.matMul(a, b, transA, transB)),
    { reference: (t, a, b) => t.matMul(bf16Tensor(t, a), bf16Tensor(t, b), transA, transB) },
  );
}
for (const [m, k, n, activation] of [
  [129, 768, 3072, 'linear'],
  [33, 65, 17, 'relu'],
]) {
  add(
    `bf16 autocast fused matMul [${m},${k}] @ [${n},${k}]T + bias, ${activation}`,
    [
      hostInput([m, k], 'uniform', 951, { scale: 1 }),
      hostInput([n, k], 'uniform', 952, { scale: 1 }),
      hostInput([n], 'uniform', 953),
    ],
    underBf16((t, a, b, bias) => t.fused.matMul({ a, b, transposeB: true, bias, activation })),
    {
      reference: (t, a, b, bias) =>
        t.fused.matMul({ a: bf16Tensor(t, a), b: bf16Tensor(t, b), transposeB: true, bias, activation }),
    },
  );
}

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

// ---- the fused kernels against composite ops on cpu -------------------------------------------------

/** NerLayerNorm(Grad) the way @ner/models calls them, on whichever backend registers them. */
function layerNormFused(t, x, gamma, beta, eps) {
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
function layerNormComposite(t, x, gamma, beta, eps) {
  const mean = t.mean(x, -1, true);
  const centered = t.sub(x, mean);
  const variance = t.mean(t.square(centered), -1, true);
  return t.add(t.mul(t.mul(centered, t.rsqrt(t.add(variance, eps))), gamma), beta);
}
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
  add(`NerLayerNorm + NerLayerNormGrad [${rows},${cols}] vs composite on cpu`, inputs, run(layerNormFused), {
    reference: run(layerNormComposite),
    needsKernel: 'NerLayerNorm',
  });
}

/**
 * @ner/trainer's AdamW, three steps (NerAdamW on cuda, its op-by-op path on cpu); `clip`: each
 * step clipped as the Trainer does, on the device (the norm, its coefficient, and AdamW's
 * gradMultiplier), with maxNorm 0.5 so that every step clips; the norms are outputs too.
 */
function adamwSteps(t, p1, p2, g1, g2, clip = false) {
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

// ---- running ------------------------------------------------------------------------------------------

function toTensor(t, input) {
  return t.tensor(input.values, input.shape, input.dtype);
}

/** Runs one case on the active backend; returns its outputs as host values. */
function runOn(c, fn) {
  const outputs = [];
  const body = () => {
    const tensors = c.inputs.map((input) => toTensor(tf, input));
    let out = fn(tf, ...tensors);
    out = Array.isArray(out) ? out : [out];
    for (const o of out) outputs.push({ dtype: o.dtype, shape: [...o.shape], values: o.dataSync().slice() });
    if (c.noTidy) tf.dispose([...tensors, ...out]);
    return null;
  };
  if (c.noTidy) body();
  else tf.tidy(body);
  return outputs;
}

function compareOutputs(got, want) {
  if (got.length !== want.length) return { ok: false, why: `${got.length} outputs, cpu gave ${want.length}` };
  let worst = 0;
  const details = [];
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    if (g.dtype !== w.dtype) return { ok: false, why: `output ${i} dtype ${g.dtype}, cpu ${w.dtype}` };
    if (g.shape.join(',') !== w.shape.join(','))
      return { ok: false, why: `output ${i} shape [${g.shape}], cpu [${w.shape}]` };
    if (w.dtype === 'float32') {
      const c = compareValues(g.values, w.values);
      worst = Math.max(worst, c.normRel);
      details.push({ normRel: c.normRel, maxAbs: c.maxAbs, specialMismatch: c.specialMismatch });
    } else {
      let mismatches = 0;
      let first = -1;
      for (let j = 0; j < w.values.length; j++) {
        if (g.values[j] !== w.values[j]) {
          mismatches += 1;
          if (first < 0) first = j;
        }
      }
      if (mismatches) worst = Number.POSITIVE_INFINITY;
      details.push(
        mismatches ? { mismatches, first, got: g.values[first], want: w.values[first] } : { exact: true },
      );
    }
  }
  return { ok: worst <= rtol, worst, details };
}

// tfjs-core's Node build registers no gradients; @ner/models registers the ones BERT needs
// (what a model's constructor does), on both backends alike.
models.registerGradients();

const result = { rtol, draws, cases: [], passed: 0, failed: 0, errors: 0, skipped: 0 };
const cuda = await useCuda();
result.cuda = cuda.ok ? 'available' : cuda.reason;
if (!cuda.ok) {
  result.skipped = cases.length;
  console.log(`kernels check skipped: ${cuda.reason}`);
  writeJsonResult({ ...result, skippedReason: cuda.reason, cases: undefined, caseCount: cases.length });
  process.exit(0);
}
const selected = filter ? cases.filter((c) => c.name.includes(filter)) : cases;
const started = performance.now();
for (const c of selected) {
  const entry = { name: c.name };
  try {
    if (c.needsKernel && !tf.getKernel(c.needsKernel, 'cuda')) {
      entry.status = 'failed';
      entry.error = `the cuda backend registers no ${c.needsKernel} kernel`;
      result.failed += 1;
      result.cases.push(entry);
      continue;
    }
    await tf.setBackend('cpu');
    const want = runOn(c, c.reference ?? c.run);
    await tf.setBackend('cuda');
    const before = fallbackCounts();
    const tensorsBefore = tf.memory().numTensors;
    const got = runOn(c, c.run);
    const leaked = tf.memory().numTensors - tensorsBefore;
    const fell = countsDelta(before, fallbackCounts());
    const cmp = compareOutputs(got, want);
    entry.status = cmp.ok ? 'ok' : 'failed';
    entry.worst = cmp.worst;
    if (!cmp.ok) entry.details = cmp.why ?? cmp.details;
    if (fell && Object.keys(fell).length) entry.fallbacks = fell;
    if (leaked) entry.leakedTensors = leaked;
    if (cmp.ok) result.passed += 1;
    else result.failed += 1;
  } catch (error) {
    entry.status = 'error';
    entry.error = firstLine(error);
    result.errors += 1;
    await tf.setBackend('cuda').catch(() => {});
  }
  result.cases.push(entry);
  const mark = entry.status === 'ok' ? 'ok  ' : entry.status.toUpperCase();
  console.log(
    `${mark} ${c.name}${entry.worst !== undefined ? `  rel ${Number(entry.worst).toExponential(2)}` : ''}` +
      `${entry.fallbacks ? `  fallbacks ${JSON.stringify(entry.fallbacks)}` : ''}${entry.error ? `  ${entry.error}` : ''}`,
  );
}

// Random uniform: not comparable with cpu's generator; range, moments and repeatability per seed.
// Twice: tf.randomUniform (tfjs-core 4.22 draws it on the host and uploads it: what @ner/models'
// dropout calls today) and runKernel('RandomUniform') (the device's Philox kernel, for callers that
// ask the backend for it).
const drawers = {
  randomUniform: (seed) =>
    tf.tidy(() => tf.randomUniform([1000, 1000], -1, 3, 'float32', seed).dataSync().slice()),
  'RandomUniform kernel': (seed) =>
    tf.tidy(() =>
      tf
        .engine()
        .runKernel(
          'RandomUniform',
          {},
          { shape: [1000, 1000], minval: -1, maxval: 3, dtype: 'float32', seed },
        )
        .dataSync()
        .slice(),
    ),
};
for (const [label, draw] of Object.entries(drawers)) {
  try {
    if (label !== 'randomUniform' && !tf.getKernel('RandomUniform', 'cuda')) {
      throw new Error('the cuda backend registers no RandomUniform kernel');
    }
    const a = draw(7);
    const b = draw(7);
    const c = draw(8);
    let mean = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const x of a) {
      mean += x;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    mean /= a.length;
    let variance = 0;
    for (const x of a) variance += (x - mean) ** 2;
    variance /= a.length;
    const same = a.every((x, i) => x === b[i]);
    const differs = a.some((x, i) => x !== c[i]);
    const ok =
      min >= -1 &&
      max < 3 &&
      Math.abs(mean - 1) < 0.01 &&
      Math.abs(variance - 16 / 12) < 0.01 &&
      same &&
      differs;
    result[label] = { ok, min, max, mean, variance, sameForSeed: same, differsAcrossSeeds: differs };
    console.log(`${ok ? 'ok  ' : 'FAILED'} ${label} [1000,1000] in [-1,3): ${JSON.stringify(result[label])}`);
    if (ok) result.passed += 1;
    else result.failed += 1;
  } catch (error) {
    result[label] = { ok: false, error: firstLine(error) };
    console.log(`ERROR ${label}: ${firstLine(error)}`);
    result.errors += 1;
  }
}
result.seconds = (performance.now() - started) / 1000;
result.fallbacksTotal = fallbackCounts();
result.caseCount = selected.length + Object.keys(drawers).length;
const cudaInfo = await loadCuda();
result.status = cudaInfo.status;
console.log(
  `\n${result.passed} passed, ${result.failed} failed, ${result.errors} errors of ${result.caseCount} cases (rel tolerance ${rtol}) in ${result.seconds.toFixed(1)} s`,
);
writeJsonResult(result);
process.exit(result.failed + result.errors > 0 ? 1 : 0);
