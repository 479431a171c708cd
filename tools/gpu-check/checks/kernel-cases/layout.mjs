// Kernel cases (kernels-check.mjs): transpose, gather, segment sums, scatter, pad, concat, slice,
// split, tile, one-hot, range and fills.
import { hostInput } from './inputs.mjs';

/** Adds the cases through `add(name, inputs, run, options)`. */
export function layoutCases(add) {
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
}
