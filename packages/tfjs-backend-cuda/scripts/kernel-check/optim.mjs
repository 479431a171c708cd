// gpu-kernel-check.mjs's checks of AdamW on one tensor and on a table of tensors, and the clipping's chunked sums.
import { ADAMW_SLOT, ADAMW_SLOT_BYTES, SUM_SQUARES_SLOT, SUM_SQUARES_SLOT_BYTES } from '../../dist/index.js';
import { N } from './harness.mjs';

/** Runs the checks through the harness `h` (./harness.mjs), in the order the report lists them. */
export function optimChecks(h) {
  const { randF, grid1d, check, bufs } = h;
  // Without a gradient multiplier (a null pointer) and with one (the clipping coefficient).
  for (const multiplier of [null, 0.37]) {
    check(
      {
        label: `ner_adamw_f32 gradMultiplier ${multiplier ?? 'none'}`,
        kernel: 'ner_adamw_f32',
        buffers: {
          p: randF(N),
          g: randF(N, -0.1, 0.1),
          m: randF(N, -0.01, 0.01),
          v: randF(N, 0, 0.001),
          po: { f32: N },
          mo: { f32: N },
          vo: { f32: N },
          c: Float32Array.of(multiplier ?? 1),
        },
        args: [
          ...bufs('p', 'g', 'm', 'v', 'po', 'mo', 'vo'),
          { i32: N },
          { f32: 0.99999 },
          { f32: 0.9 },
          { f32: 0.999 },
          { f32: 0.0447 },
          { f32: 1e-8 },
          { f32: 5e-5 },
          multiplier === null ? { ptr: 0n } : { buf: 'c' },
        ],
        grid: grid1d(N),
        outputs: ['po', 'mo', 'vo'],
      },
      1e-5,
      1e-7,
    );
  }
  // Three tensors in one launch, chunks of 1,000 elements: the first takes three chunks (the last
  // short), the second one, the third two; in place for the second (its outputs are its inputs).
  // Fewer blocks than chunks, so blocks stride over them. A gradient multiplier for all.
  {
    const sizes = [2500, 7, 1001];
    const chunkSize = 1000;
    const scalars = [
      [0.99999, 0.9, 0.999, 0.0447, 1e-8, 5e-5],
      [1, 0.8, 0.99, 0.3, 1e-6, 1e-3],
      [0.9995, 0.9, 0.999, 0.0316, 1e-8, 2e-5],
    ];
    const buffers = {};
    sizes.forEach((n, t) => {
      Object.assign(buffers, {
        [`p${t}`]: randF(n),
        [`g${t}`]: randF(n, -0.1, 0.1),
        [`m${t}`]: randF(n, -0.01, 0.01),
        [`v${t}`]: randF(n, 0, 0.001),
        [`po${t}`]: { f32: n },
        [`mo${t}`]: { f32: n },
        [`vo${t}`]: { f32: n },
      });
    });
    buffers.c = Float32Array.of(0.37); // every gradient times the clipping coefficient
    const roles = (t) =>
      t === 1
        ? ['p1', 'g1', 'm1', 'v1', 'p1', 'm1', 'v1']
        : ['p', 'g', 'm', 'v', 'po', 'mo', 'vo'].map((r) => `${r}${t}`);
    buffers.slots = {
      table: (ptrs) => {
        const view = new DataView(new ArrayBuffer(sizes.length * ADAMW_SLOT_BYTES));
        let chunk = 0;
        sizes.forEach((n, t) => {
          const at = t * ADAMW_SLOT_BYTES;
          ['param', 'grad', 'm', 'v', 'paramOut', 'mOut', 'vOut'].forEach((field, k) => {
            view.setBigUint64(at + ADAMW_SLOT[field], ptrs[roles(t)[k]], true);
          });
          view.setInt32(at + ADAMW_SLOT.n, n, true);
          view.setInt32(at + ADAMW_SLOT.firstChunk, chunk, true);
          ['decayFactor', 'beta1', 'beta2', 'biasCorrection2Sqrt', 'eps', 'stepSize'].forEach((field, k) => {
            view.setFloat32(at + ADAMW_SLOT[field], scalars[t][k], true);
          });
          chunk += Math.ceil(n / chunkSize);
        });
        return new Uint8Array(view.buffer);
      },
    };
    check(
      {
        kernel: 'ner_adamw_multi_f32',
        buffers,
        args: [...bufs('slots'), { i32: 3 }, { i32: 6 }, { i32: chunkSize }, ...bufs('c')],
        grid: [4, 1, 1],
        outputs: ['po0', 'mo0', 'vo0', 'p1', 'm1', 'v1', 'po2', 'mo2', 'vo2'],
      },
      1e-5,
      1e-7,
    );
  }
  // NerSumSquaresMulti's two passes, chunks of 1,000: three tensors (three chunks, one, two), their
  // sums written out of order (out indices 2, 0, 1); fewer blocks than chunks in the first pass.
  {
    const sizes = [2500, 7, 1001];
    const chunkSize = 1000;
    const outIndex = [2, 0, 1];
    const sumSlots = (ptrs) => {
      const buffer = new ArrayBuffer(sizes.length * SUM_SQUARES_SLOT_BYTES);
      const view = new DataView(buffer);
      let chunk = 0;
      sizes.forEach((n, t) => {
        const at = t * SUM_SQUARES_SLOT_BYTES;
        view.setBigUint64(at + SUM_SQUARES_SLOT.x, ptrs[`x${t}`] ?? 0n, true);
        view.setInt32(at + SUM_SQUARES_SLOT.n, n, true);
        view.setInt32(at + SUM_SQUARES_SLOT.firstChunk, chunk, true);
        view.setInt32(at + SUM_SQUARES_SLOT.out, outIndex[t], true);
        chunk += Math.ceil(n / chunkSize);
      });
      return new Uint8Array(buffer);
    };
    check(
      {
        kernel: 'ner_sum_squares_chunks_f32',
        buffers: {
          x0: randF(2500),
          x1: randF(7),
          x2: randF(1001),
          partial: { f32: 6 },
          slots: { table: sumSlots },
        },
        args: [...bufs('slots'), { i32: 3 }, { i32: 6 }, { i32: chunkSize }, ...bufs('partial')],
        grid: [4, 1, 1],
        outputs: ['partial'],
      },
      1e-5,
      1e-5,
    );
    // The second pass alone reads only n and firstChunk of the slots (no tensor addresses).
    check(
      {
        kernel: 'ner_sum_chunks_f32',
        buffers: { partial: randF(6, 0, 50), out: { f32: 3 }, slots: { table: sumSlots } },
        args: [...bufs('slots'), { i32: 3 }, { i32: chunkSize }, ...bufs('partial', 'out')],
        grid: [2, 1, 1],
        outputs: ['out'],
      },
      1e-6,
      1e-6,
    );
  }
}
