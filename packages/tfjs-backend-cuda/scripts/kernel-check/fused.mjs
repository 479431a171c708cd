// gpu-kernel-check.mjs's checks of the fused LayerNorm and its gradient (the backend's grid and a capped one), and the
// erf GELU and its gradient.
import { N } from './harness.mjs';

/** Runs the checks through the harness `h` (./harness.mjs), in the order the report lists them. */
export function fusedChecks(h) {
  const { randF, grid1d, check, bufs } = h;
  const rows = 37;
  const cols = 768;
  check(
    {
      kernel: 'ner_layer_norm_f32',
      buffers: {
        x: randF(rows * cols),
        gamma: randF(cols, 0.5, 1.5),
        beta: randF(cols, -0.5, 0.5),
        y: { f32: rows * cols },
        mean: { f32: rows },
        rstd: { f32: rows },
      },
      args: [
        ...bufs('x', 'gamma', 'beta', 'y', 'mean', 'rstd'),
        { i32: rows },
        { i32: cols },
        { f32: 1e-12 },
      ],
      grid: [rows, 1, 1],
      outputs: ['y', 'mean', 'rstd'],
    },
    1e-5,
    1e-6,
  );
  /** Per-row mean and 1 / std (eps 1e-12) of a `rows x cols` matrix: LayerNorm's saved statistics. */
  function layerNormStats(x, rows, cols) {
    const mean = new Float32Array(rows);
    const rstd = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let c = 0; c < cols; c++) s += x[r * cols + c];
      const m = s / cols;
      let q = 0;
      for (let c = 0; c < cols; c++) q += (x[r * cols + c] - m) ** 2;
      mean[r] = m;
      rstd[r] = 1 / Math.sqrt(q / cols + 1e-12);
    }
    return { mean, rstd };
  }
  /**
   * A `ner_layer_norm_grad_f32` check: `rows x cols` random inputs with their saved statistics, on
   * `grid` blocks; `tolerances` as check() takes them per output.
   */
  function layerNormGradCase(label, rows, cols, grid, tolerances) {
    const x = randF(rows * cols);
    const { mean, rstd } = layerNormStats(x, rows, cols);
    return {
      label,
      kernel: 'ner_layer_norm_grad_f32',
      buffers: {
        dy: randF(rows * cols),
        x,
        gamma: randF(cols, 0.5, 1.5),
        mean,
        rstd,
        dx: { f32: rows * cols },
        dgamma: { f32: cols },
        dbeta: { f32: cols },
      },
      args: [
        ...bufs('dy', 'x', 'gamma', 'mean', 'rstd', 'dx', 'dgamma', 'dbeta'),
        { i32: rows },
        { i32: cols },
      ],
      grid: [grid, 1, 1],
      outputs: ['dx', 'dgamma', 'dbeta'],
      ...(tolerances ? { tolerances } : {}),
    };
  }
  // The geometry the backend launches for a large batch (LAYER_NORM_GRAD_MAX_BLOCKS blocks striding
  // over more rows): several rows per block, and every block's atomics on the same columns. dgamma /
  // dbeta sum 2,500 float32 terms of up to ~9 in another order than the float64 reference: off by up
  // to ~2,500 * 2^-23 * 9 = 2.7e-3, and a sum near 0 has no relative room.
  check(
    layerNormGradCase('ner_layer_norm_grad_f32 2500 rows, grid 1024', 2500, 64, 1024, {
      dgamma: [1e-4, 3e-3],
      dbeta: [1e-4, 3e-3],
    }),
    1e-4,
    1e-5,
  );
  for (const grid of [rows, 5])
    check(layerNormGradCase(`ner_layer_norm_grad_f32 grid ${grid}`, rows, cols, grid), 1e-4, 1e-5);
  check(
    {
      kernel: 'ner_gelu_erf_f32',
      buffers: { x: randF(N, -6, 6), y: { f32: N } },
      args: [...bufs('x', 'y'), { i32: N }],
      grid: grid1d(N),
      outputs: ['y'],
    },
    1e-5,
    1e-6,
  );
  check(
    {
      kernel: 'ner_gelu_erf_grad_f32',
      buffers: { dy: randF(N), x: randF(N, -6, 6), dx: { f32: N } },
      args: [...bufs('dy', 'x', 'dx'), { i32: N }],
      grid: grid1d(N),
      outputs: ['dx'],
    },
    1e-5,
    1e-6,
  );
}
