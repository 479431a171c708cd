// gpu-kernel-check.mjs's checks of Philox uniform draws and dropout against the fake device's, bit for bit.

/** Runs the checks through the harness `h` (./harness.mjs), in the order the report lists them. */
export function randomChecks(h) {
  const { fake, randF, runOn, check, bufs } = h;
  check(
    {
      kernel: 'ner_random_uniform_f32',
      buffers: { y: { f32: 1001 } },
      args: [{ buf: 'y' }, { i32: 1001 }, { u32: 1234 }, { u32: 5678 }, { u32: 3 }, { f32: -1 }, { f32: 2 }],
      grid: [3, 1, 1],
      outputs: ['y'],
    },
    1e-6,
    1e-7,
  );
  // NerDropout: the uniform draw above (low 0, high 1) against rate, exact; odd n (not a multiple
  // of 4), a counter offset (one crossing 2^32), x with zeros, infinities and NaN, and a rate equal
  // to one of the draws (u == rate is kept).
  const drawn = runOn(fake, {
    kernel: 'ner_random_uniform_f32',
    buffers: { y: { f32: 64 } },
    args: [{ buf: 'y' }, { i32: 64 }, { u32: 77 }, { u32: 0 }, { u32: 0 }, { f32: 0 }, { f32: 1 }],
    grid: [1, 1, 1],
    outputs: ['y'],
  }).y;
  for (const [n, rate, seedLo, seedHi, offset] of [
    [1001, 0.1, 1234, 5678, 3],
    [10007, 0.5, 7, 0, 0],
    [5, 0.9, 0xffffffff, 0x1fffff, 0xfffffffe],
    [64, 0, 42, 1, 0],
    [63, drawn[21], 77, 0, 0],
  ]) {
    const x = randF(n);
    x.set([0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN].slice(0, n));
    check(
      {
        label: `ner_dropout_f32 n=${n} rate=${rate}`,
        kernel: 'ner_dropout_f32',
        buffers: { x, y: { f32: n, fill: 0x7fc00000 } },
        args: [
          ...bufs('x', 'y'),
          { i32: n },
          { u32: seedLo },
          { u32: seedHi },
          { u32: offset },
          { f32: Math.fround(rate) },
          { f32: Math.fround(1 / (1 - rate)) },
        ],
        grid: [3, 1, 1],
        outputs: ['y'],
      },
      0,
      0,
    );
  }
}
