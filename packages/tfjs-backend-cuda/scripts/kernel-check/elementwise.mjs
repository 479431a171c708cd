// gpu-kernel-check.mjs's checks of unary (every op code, with halves, zeros, infinities and NaN), broadcasting binary and
// compare ops, select and casts.
import { BINARY_OP, COMPARE_OP, UNARY_OP } from '../../dist/index.js';
import { N } from './harness.mjs';

/** Runs the checks through the harness `h` (./harness.mjs), in the order the report lists them. */
export function elementwiseChecks(h) {
  const { randF, randI, dims, grid1d, check, bufs } = h;
  /** Random values with the edge cases mixed in: exact halves (round), zeros, infinities, NaN. */
  function unaryInput() {
    const x = randF(N);
    for (let i = 0; i < N; i += 7) x[i] = Math.round(x[i]) + 0.5;
    x.set([0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 1e-4, -1e-4, 30, -30], 1);
    return x;
  }
  for (const [op, code] of Object.entries(UNARY_OP)) {
    check(
      {
        label: `ner_unary_f32 ${op}`,
        kernel: 'ner_unary_f32',
        buffers: { x: unaryInput(), y: { f32: N } },
        args: [...bufs('x', 'y'), { i32: N }, { i32: code }, { f32: 0.7 }],
        grid: grid1d(N),
        outputs: ['y'],
      },
      2e-6,
      1e-6,
    );
  }
  // Output [7, 33]; a is [7, 33], b broadcasts a row [1, 33].
  const bd = dims(2, [7, 33], [33, 1], [0, 1]);
  for (const [op, code] of Object.entries(BINARY_OP)) {
    check({
      label: `ner_binary_f32 ${op}`,
      kernel: 'ner_binary_f32',
      buffers: { a: randF(231), b: randF(33, 0.5, 3), y: { f32: 231 } },
      args: [...bufs('a', 'b', 'y'), { i32: 231 }, { i32: code }, { dims: bd }],
      grid: [1, 1, 1],
      outputs: ['y'],
    });
    if (!['pow', 'realDiv', 'atan2'].includes(op)) {
      check(
        {
          label: `ner_binary_i32 ${op}`,
          kernel: 'ner_binary_i32',
          buffers: { a: randI(231, -20, 20), b: randI(33, -5, 5), y: { i32: 231 } },
          args: [...bufs('a', 'b', 'y'), { i32: 231 }, { i32: code }, { dims: bd }],
          grid: [1, 1, 1],
          outputs: ['y'],
        },
        0,
        0,
      );
    }
  }
  for (const [op, code] of Object.entries(COMPARE_OP)) {
    for (const [kernel, a, b] of [
      ['ner_compare_f32', randF(231).map((v) => Math.round(v)), randF(33).map((v) => Math.round(v))],
      ['ner_compare_i32', randI(231, -3, 3), randI(33, -3, 3)],
    ]) {
      check(
        {
          label: `${kernel} ${op}`,
          kernel,
          buffers: { a, b, y: { i32: 231 } },
          args: [...bufs('a', 'b', 'y'), { i32: 231 }, { i32: code }, { dims: bd }],
          grid: [1, 1, 1],
          outputs: ['y'],
        },
        0,
        0,
      );
    }
  }
  check(
    {
      kernel: 'ner_select_f32',
      buffers: { cond: randI(7, 0, 1), a: randF(231), b: randF(33), y: { f32: 231 } },
      args: [
        ...bufs('cond', 'a', 'b', 'y'),
        { i32: 231 },
        { dims: dims(2, [7, 33], [1, 0], [33, 1], [0, 1]) },
      ],
      grid: [1, 1, 1],
      outputs: ['y'],
    },
    0,
    0,
  );
  for (const [from, to] of [
    [0, 1],
    [0, 2],
    [1, 0],
    [1, 2],
    [2, 0],
    [0, 0],
  ]) {
    const x = from === 0 ? randF(999, -1e3, 1e3) : randI(999, -5, 5);
    check(
      {
        label: `ner_cast ${from}->${to}`,
        kernel: 'ner_cast',
        buffers: { x, y: to === 0 ? { f32: 999 } : { i32: 999 } },
        args: [...bufs('x', 'y'), { i32: 999 }, { i32: from }, { i32: to }],
        grid: grid1d(999),
        outputs: ['y'],
      },
      0,
      0,
    );
  }
}
