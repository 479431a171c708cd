// Kernel cases (kernels-check.mjs): unary, binary (float32, int32, logical) and compare ops with
// broadcasting, select, cast, and the fused erf GELU and softmax gradient.
import { geluErf, softmaxGrad } from './fused-calls.mjs';
import { broadcastPartner, hostInput, randomShape, rng } from './inputs.mjs';

/** Adds the cases through `add(name, inputs, run, options)`; `draws` random shapes per op. */
export function elementwiseCases(add, draws) {
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
    add(
      `NerGeluErf [${shape}] vs composite on cpu`,
      [hostInput(shape, 'uniform', 15)],
      (_t, x) => geluErf(x),
      {
        needsKernel: 'NerGeluErf',
      },
    );
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
      [
        hostInput(condShape, 'bool', 81 + d),
        hostInput(shape, 'uniform', 82),
        hostInput(shape, 'uniform', 83),
      ],
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
}
