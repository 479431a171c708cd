// gpu-kernel-check.mjs's checks of reductions (every op, several block sizes), arg-reductions, softmax, log-softmax and
// softmax's gradient.
import { REDUCE_OP } from '../../dist/index.js';

/** Runs the checks through the harness `h` (./harness.mjs), in the order the report lists them. */
export function rowChecks(h) {
  const { randF, randI, check, bufs } = h;
  for (const [op, code] of Object.entries(REDUCE_OP)) {
    for (const block of [256, 16]) {
      check(
        {
          label: `ner_reduce_f32 ${op} block ${block}`,
          kernel: 'ner_reduce_f32',
          buffers: { x: op === 'prod' ? randF(37 * 20, 0.5, 1.5) : randF(37 * 1001), y: { f32: 37 } },
          args: [...bufs('x', 'y'), { i32: 37 }, { i32: op === 'prod' ? 20 : 1001 }, { i32: code }],
          grid: [37, 1, 1],
          block: [block, 1, 1],
          outputs: ['y'],
        },
        1e-5,
        // A float32 sum of 1001 values up to 3 may be off by ~eps * sum |x| from the float64 one.
        2e-4,
      );
      check(
        {
          label: `ner_reduce_i32 ${op} block ${block}`,
          kernel: 'ner_reduce_i32',
          buffers: { x: op === 'prod' ? randI(37 * 9, -2, 2) : randI(37 * 1001, -50, 50), y: { i32: 37 } },
          args: [...bufs('x', 'y'), { i32: 37 }, { i32: op === 'prod' ? 9 : 1001 }, { i32: code }],
          grid: [37, 1, 1],
          block: [block, 1, 1],
          outputs: ['y'],
        },
        0,
        0,
      );
    }
  }
  for (const isMin of [0, 1]) {
    check(
      {
        label: `ner_arg_reduce_f32 isMin=${isMin}`,
        kernel: 'ner_arg_reduce_f32',
        buffers: { x: randF(37 * 1001).map((v) => Math.round(v * 4)), y: { i32: 37 } },
        args: [...bufs('x', 'y'), { i32: 37 }, { i32: 1001 }, { i32: isMin }],
        grid: [37, 1, 1],
        outputs: ['y'],
      },
      0,
      0,
    );
  }
  for (const kernel of ['ner_softmax_f32', 'ner_log_softmax_f32']) {
    check(
      {
        kernel,
        buffers: { x: randF(37 * 1001, -10, 10), y: { f32: 37 * 1001 } },
        args: [...bufs('x', 'y'), { i32: 37 }, { i32: 1001 }],
        grid: [37, 1, 1],
        outputs: ['y'],
      },
      1e-5,
      1e-7,
    );
  }
  // Softmax's gradient: attention-sized rows of 128 and long odd rows, with y a softmax output.
  for (const [rows, cols] of [
    [48, 128],
    [7, 1001],
  ]) {
    const logits = randF(rows * cols, -6, 6);
    const probs = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      const row = logits.subarray(r * cols, (r + 1) * cols);
      const max = Math.max(...row);
      let sum = 0;
      for (const v of row) sum += Math.exp(v - max);
      for (let c = 0; c < cols; c++) probs[r * cols + c] = Math.exp(row[c] - max) / sum;
    }
    check(
      {
        label: `ner_softmax_grad_f32 ${rows}x${cols}`,
        kernel: 'ner_softmax_grad_f32',
        buffers: { dy: randF(rows * cols), y: probs, dx: { f32: rows * cols } },
        args: [...bufs('dy', 'y', 'dx'), { i32: rows }, { i32: cols }],
        grid: [rows, 1, 1],
        outputs: ['dx'],
      },
      1e-5,
      1e-7,
    );
  }
}
