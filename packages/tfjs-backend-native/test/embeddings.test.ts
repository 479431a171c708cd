// NerEmbeddings (src/kernels/embeddings.ts): BERT's embedding layer (DistilBERT's, without token
// types) in one call. Held to the composite ops (gathers, position slice, adds, LayerNorm) on the
// cpu backend within 1e-5, and to the same ops on the native backend (whose LayerNorm is
// NerLayerNorm) bit for bit, on seeded random tables: one sentence, batches of 32, T < P and T = P,
// widths on and off the 16-lane blocks.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import '../src/index.js';
import { EMBEDDINGS_KERNEL } from '../src/kernels/embeddings.js';
import { LAYER_NORM_KERNEL } from '../src/kernels/fused.js';
import { type Input, describeWithAddon, randomInts, rng, runOn, worstMismatch } from '../src/test-helpers.js';
import { layerNorm, seededInputs } from './layer-composites.js';

beforeAll(() => {
  tf.setBackend('cpu');
});
afterAll(() => {
  tf.setBackend('cpu');
});

const input = seededInputs(2019);
const ids = rng(2020);
const EPS = 1e-12;

interface Case {
  readonly batch: number;
  readonly length: number;
  readonly hidden: number;
  readonly vocab: number;
  readonly positions: number;
  /** Rows of the token-type table; 0: none (DistilBERT). */
  readonly types: number;
}

/** Inputs in the order of {@link kernel}'s and {@link composite}'s arguments (no type inputs when types is 0). */
function randomInputs(c: Case): Input[] {
  const rows = c.batch * c.length;
  const inputs: Input[] = [
    { values: randomInts(ids, rows, c.vocab), shape: [c.batch, c.length] },
    input([c.vocab, c.hidden]),
    input([c.positions, c.hidden]),
    input([c.hidden], 2),
    input([c.hidden]),
  ];
  if (c.types > 0) {
    inputs.push({ values: randomInts(ids, rows, c.types), shape: [c.batch, c.length] });
    inputs.push(input([c.types, c.hidden]));
  }
  return inputs;
}

function kernel(
  inputIds: tf.Tensor,
  words: tf.Tensor,
  positions: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  typeIds?: tf.Tensor,
  types?: tf.Tensor,
) {
  const inputs: tf.NamedTensorMap = {
    inputIds,
    wordEmbeddings: words,
    positionEmbeddings: positions,
    gamma,
    beta,
  };
  if (typeIds && types) Object.assign(inputs, { tokenTypeIds: typeIds, tokenTypeEmbeddings: types });
  return tf.engine().runKernel(EMBEDDINGS_KERNEL, inputs, { eps: EPS }) as tf.Tensor;
}

/** The models' composite path: (words + types) + positions (or words + positions), then LayerNorm. */
function compositeWith(norm: (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor) {
  return (
    inputIds: tf.Tensor,
    words: tf.Tensor,
    positions: tf.Tensor,
    gamma: tf.Tensor,
    beta: tf.Tensor,
    typeIds?: tf.Tensor,
    types?: tf.Tensor,
  ) => {
    const length = inputIds.shape[1]!;
    const rows = tf.slice(positions, [0, 0], [length, positions.shape[1]!]);
    const gathered = tf.gather(words, inputIds);
    const summed =
      typeIds && types ? tf.add(tf.add(gathered, tf.gather(types, typeIds)), rows) : tf.add(gathered, rows);
    return norm(summed, gamma, beta);
  };
}

/** On cpu: LayerNorm as composite ops. */
const compositeOps = compositeWith((x, gamma, beta) => layerNorm(x, gamma, beta, EPS));
/** On native: LayerNorm as the models run it there, the NerLayerNorm kernel. */
const compositeNative = compositeWith(
  (x, gamma, beta) =>
    (
      tf.engine().runKernel(LAYER_NORM_KERNEL, { x, gamma, beta }, { eps: EPS }) as unknown as tf.Tensor[]
    )[0]!,
);

const CASES: Case[] = [
  { batch: 1, length: 7, hidden: 48, vocab: 50, positions: 16, types: 2 },
  { batch: 32, length: 13, hidden: 64, vocab: 100, positions: 20, types: 2 },
  { batch: 3, length: 20, hidden: 37, vocab: 30, positions: 20, types: 3 },
  { batch: 32, length: 11, hidden: 768, vocab: 64, positions: 32, types: 2 },
  { batch: 1, length: 9, hidden: 48, vocab: 40, positions: 12, types: 0 },
  { batch: 32, length: 17, hidden: 80, vocab: 70, positions: 24, types: 0 },
];

describeWithAddon('NerEmbeddings', () => {
  for (const c of CASES) {
    const label = `B=${c.batch} T=${c.length} H=${c.hidden} P=${c.positions} ${c.types ? `${c.types} token types` : 'no token types (DistilBERT)'}`;
    it(`${label}: within 1e-5 of the composite ops on cpu, bit for bit the native composite path`, () => {
      const inputs = randomInputs(c);
      const fused = runOn('native', inputs, kernel)[0]!;
      expect(fused.shape).toEqual([c.batch, c.length, c.hidden]);
      expect(fused.dtype).toBe('float32');
      const cpu = runOn('cpu', inputs, compositeOps)[0]!;
      const { worst, at } = worstMismatch(fused.data as Float32Array, cpu.data as Float32Array, 1e-5, 0);
      expect(worst, `worst at ${at}`).toBeLessThanOrEqual(1);
      const native = runOn('native', inputs, compositeNative)[0]!;
      expect(Array.from(fused.data as Float32Array)).toEqual(Array.from(native.data as Float32Array));
    });
  }

  it('a repeated batch shape reuses the output buffer of the last call (no fresh pages)', () => {
    const inputs = randomInputs(CASES[3]!);
    tf.setBackend('native');
    const tensors = inputs.map((i) =>
      tf.tensor(i.values, i.shape, i.values instanceof Int32Array ? 'int32' : 'float32'),
    );
    const bufferOf = () => {
      const y = kernel(
        ...(tensors as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]),
      );
      const backend = tf.backend() as unknown as { data: { get(id: object): { values: Float32Array } } };
      const buffer = backend.data.get(y.dataId).values.buffer;
      y.dispose();
      return buffer;
    };
    const first = bufferOf();
    expect(bufferOf()).toBe(first);
    tf.dispose(tensors);
  });
});
