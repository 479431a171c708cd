// The composite tfjs ops the fused inference kernels replace (as @ner/models' composite path
// writes them), run on the cpu backend as the reference of test/inference-kernels.test.ts and
// test/encoder-layer.test.ts.
import * as tf from '@tensorflow/tfjs-core';
import { type Input, randomArray, rng } from '../src/test-helpers.js';

export const FLOAT32_MIN = -3.4028234663852886e38;

/** Seeded uniform inputs in [-scale, scale]: `input(shape, scale)` draws the next array of `seed`. */
export function seededInputs(
  seed: number,
): (shape: number[], scale?: number) => Input & { values: Float32Array } {
  const random = rng(seed);
  return (shape, scale = 1) => ({
    values: randomArray(
      random,
      shape.reduce((a, b) => a * b, 1),
      -scale,
      scale,
    ),
    shape,
  });
}

/** The models' additive [B, 1, 1, T] mask for a batch whose entry b has b tokens of padding. */
export function additiveMask(batch: number, length: number): Input {
  const v = new Float32Array(batch * length);
  for (let b = 0; b < batch; b++)
    for (let t = length - b; t < length; t++) if (t >= 1) v[b * length + t] = FLOAT32_MIN;
  return { values: v, shape: [batch, 1, 1, length] };
}

export function linear(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const k = x.shape[x.shape.length - 1]!;
  const y = tf.add(tf.matMul(tf.reshape(x, [-1, k]), w, false, true), b);
  return tf.reshape(y, [...x.shape.slice(0, -1), w.shape[0]!]);
}

export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  const mean = tf.mean(x, -1, true);
  const centered = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centered), -1, true);
  return tf.add(tf.mul(tf.mul(centered, tf.rsqrt(tf.add(variance, eps))), gamma), beta);
}

export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
}

/** Composite attention on [B, T, 3H], as @ner/models' composite path. */
export function attention(
  qkv: tf.Tensor,
  mask: tf.Tensor,
  heads: number,
  scaleQueryFirst: boolean,
): tf.Tensor {
  const [batch, length, width] = qkv.shape as [number, number, number];
  const hidden = width / 3;
  const d = hidden / heads;
  const split = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [batch, length, heads, d]), [0, 2, 1, 3]);
  const [q0, k0, v0] = tf.split(qkv, 3, -1) as [tf.Tensor, tf.Tensor, tf.Tensor];
  const scale = Math.sqrt(d);
  const q = scaleQueryFirst ? tf.div(split(q0), scale) : split(q0);
  const product = tf.matMul(q, split(k0), false, true);
  const scores = tf.add(scaleQueryFirst ? product : tf.div(product, scale), mask);
  const context = tf.matMul(tf.softmax(scores), split(v0));
  return tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [batch, length, hidden]);
}
