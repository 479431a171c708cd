// gpu-kernel-check.mjs's checks of transpose, gather, segment sums, scatter, pad, slice, 2-D copies, one-hot and range.

/** Runs the checks through the harness `h` (./harness.mjs), in the order the report lists them. */
export function layoutChecks(h) {
  const { randF, randI, dims, grid1d, check, bufs } = h;
  // [5, 7, 9] transposed by [2, 0, 1] -> [9, 5, 7]; input strides [63, 9, 1] permuted.
  check(
    {
      kernel: 'ner_transpose_32',
      buffers: { x: randF(315), y: { f32: 315 } },
      args: [...bufs('x', 'y'), { i32: 315 }, { dims: dims(3, [9, 5, 7], [1, 63, 9]) }],
      grid: [1, 1, 1],
      outputs: ['y'],
    },
    0,
    0,
  );
  check(
    {
      kernel: 'ner_gather_32',
      buffers: { x: randF(3 * 10 * 17), idx: Int32Array.from([0, 9, 3, -1, 10, 3]), y: { f32: 3 * 6 * 17 } },
      args: [...bufs('x', 'idx', 'y'), { i32: 3 }, { i32: 6 }, { i32: 17 }, { i32: 10 }],
      grid: [2, 1, 1],
      outputs: ['y'],
    },
    0,
    0,
  );
  check(
    {
      kernel: 'ner_segment_sum_f32',
      buffers: { x: randF(50 * 16), seg: randI(50, -1, 7), y: { f32: 7 * 16 } },
      args: [...bufs('x', 'seg', 'y'), { i32: 50 }, { i32: 16 }, { i32: 7 }],
      grid: [4, 1, 1],
      outputs: ['y'],
    },
    1e-5,
    1e-5,
  );
  check(
    {
      kernel: 'ner_scatter_nd_f32',
      buffers: { idx: randI(40, 0, 5), upd: randF(80), y: { f32: 120 } },
      args: [
        ...bufs('idx', 'upd', 'y'),
        { i32: 20 },
        { i32: 2 },
        { i32: 4 },
        { i32: 120 },
        { dims: dims(2, [20, 4]) },
      ],
      grid: [1, 1, 1],
      outputs: ['y'],
    },
    1e-5,
    1e-5,
  );
  check(
    {
      kernel: 'ner_pad_32',
      buffers: { x: randF(12), y: { f32: 54 } },
      args: [...bufs('x', 'y'), { i32: 54 }, { u32: 0x40f00000 }, { dims: dims(2, [6, 9], [3, 4], [1, 2]) }],
      grid: [1, 1, 1],
      outputs: ['y'],
    },
    0,
    0,
  );
  check(
    {
      kernel: 'ner_slice_32',
      buffers: { x: randF(48), y: { f32: 9 } },
      args: [...bufs('x', 'y'), { i32: 9 }, { i32: 10 }, { dims: dims(2, [3, 3], [8, 2]) }],
      grid: [1, 1, 1],
      outputs: ['y'],
    },
    0,
    0,
  );
  check(
    {
      kernel: 'ner_copy_2d_32',
      buffers: { src: randF(20), dst: { f32: 39, fill: 0x3f800000 } },
      args: [...bufs('src', 'dst'), { i32: 4 }, { i32: 5 }, { i32: 5 }, { i32: 9 }, { i32: 3 }],
      grid: [1, 1, 1],
      outputs: ['dst'],
    },
    0,
    0,
  );
  check(
    {
      kernel: 'ner_one_hot_f32',
      buffers: { idx: Int32Array.from([0, 5, -1, 6, 2, 2, 3, 1, 4, 5]), y: { f32: 60 } },
      args: [...bufs('idx', 'y'), { i32: 10 }, { i32: 6 }, { f32: 0.9 }, { f32: 0.02 }],
      grid: [1, 1, 1],
      outputs: ['y'],
    },
    0,
    0,
  );
  check(
    {
      kernel: 'ner_range_f32',
      buffers: { y: { f32: 1001 } },
      args: [{ buf: 'y' }, { i32: 1001 }, { f32: -2 }, { f32: 0.25 }],
      grid: grid1d(1001),
      outputs: ['y'],
    },
    0,
    0,
  );
}
