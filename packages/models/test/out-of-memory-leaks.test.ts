// A training step that runs out of memory part way must leave nothing allocated, wherever it
// fails: the Trainer's autoFindBatchSize retries in the same memory. The step runs on a cpu
// backend whose every kernel can be made to throw V8's out-of-memory RangeError, once at each
// kernel in turn; after each failure the tensor count is what it was before the step.
// Identity and Reshape never throw here: on cpu, native and cuda they share their input's data
// and allocate nothing (the saves of a gradient are such Identity copies).
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { tinyBertSizes, tinyDistilBertSizes, tinyTokenBatch } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BertConfig,
  BertForSequenceClassification,
  BertForTokenClassification,
  DistilBertConfig,
  DistilBertForTokenClassification,
  registerGradients,
} from '../src/index.js';
import { restoreCpu } from './backends.js';

const FLAKY = 'ner-test-out-of-memory';
/** Kernels left before the one that throws; -1: none throws. */
let kernelsBeforeFailure = -1;
/** Kernels run since the count was last reset. */
let kernelsRun = 0;
/** Kernels that allocate nothing on the backends that matter (see above), so cannot run out. */
const NEVER_FAILS = new Set(['Identity', 'Reshape']);

beforeAll(async () => {
  registerGradients();
  tf.registerBackend(FLAKY, () => new MathBackendCPU());
  for (const config of tf.getKernelsForBackend('cpu')) {
    tf.registerKernel({
      ...config,
      backendName: FLAKY,
      kernelFunc: (args) => {
        if (NEVER_FAILS.has(config.kernelName)) return config.kernelFunc(args);
        kernelsRun += 1;
        if (kernelsBeforeFailure === 0) {
          kernelsBeforeFailure = -1;
          throw new RangeError('Array buffer allocation failed');
        }
        if (kernelsBeforeFailure > 0) kernelsBeforeFailure -= 1;
        return config.kernelFunc(args);
      },
    });
  }
  await tf.setBackend(FLAKY);
});
afterAll(async () => {
  await restoreCpu();
  tf.removeBackend(FLAKY);
});

interface Trainable {
  computeGradients(
    batch: Record<string, unknown>,
    options: { training: boolean },
  ): { loss: tf.Scalar; grads: Map<string, tf.Tensor> };
  dispose(): void;
}

/** The loss and gradients of one training step, as numbers; frees the tensors. */
function step(model: Trainable, batch: Record<string, unknown>): number[][] {
  const { loss, grads } = model.computeGradients(batch, { training: true });
  const values = [Array.from(loss.dataSync()), ...[...grads.values()].map((g) => Array.from(g.dataSync()))];
  tf.dispose([loss, ...grads.values()]);
  return values;
}

/**
 * Fails the step at each of its kernels in turn and checks that nothing stays allocated, then
 * that a whole step still gives the first one's numbers (nothing half-changed either).
 */
function failEverywhere(model: Trainable, batch: Record<string, unknown>, seed: (s: number) => void): number {
  seed(11);
  const before = tf.memory().numTensors;
  kernelsRun = 0;
  const expected = step(model, batch);
  const kernels = kernelsRun;
  expect(tf.memory().numTensors).toBe(before);
  const leaks: string[] = [];
  for (let at = 0; at < kernels; at++) {
    seed(11);
    kernelsBeforeFailure = at;
    const atStart = tf.memory().numTensors;
    expect(() => step(model, batch)).toThrow('Array buffer allocation failed');
    const left = tf.memory().numTensors - atStart;
    if (left !== 0) leaks.push(`failing at kernel ${at} of ${kernels} left ${left} tensors`);
  }
  kernelsBeforeFailure = -1;
  expect(leaks).toEqual([]);
  seed(11);
  expect(step(model, batch)).toEqual(expected);
  return kernels;
}

describe('a training step that runs out of memory at any kernel frees everything it made', () => {
  it('BERT token classification (dropout on)', () => {
    const model = new BertForTokenClassification(new BertConfig({ ...tinyBertSizes(2), numLabels: 3 }), {
      seed: 5,
    });
    const kernels = failEverywhere(model as unknown as Trainable, tinyTokenBatch(), (s) => model.setSeed(s));
    expect(kernels).toBeGreaterThan(100);
    model.dispose();
  });

  it('DistilBERT token classification (dropout on)', () => {
    const model = new DistilBertForTokenClassification(
      new DistilBertConfig({ ...tinyDistilBertSizes(1), numLabels: 3 }),
      { seed: 5 },
    );
    failEverywhere(model as unknown as Trainable, tinyTokenBatch(), (s) => model.setSeed(s));
    model.dispose();
  });

  it('BERT multi-label sequence classification (its own BCE gradient)', () => {
    const model = new BertForSequenceClassification(
      new BertConfig({ ...tinyBertSizes(1), numLabels: 3, problemType: 'multi_label_classification' }),
      { seed: 5 },
    );
    const { input_ids, attention_mask } = tinyTokenBatch();
    const batch = {
      input_ids,
      attention_mask,
      labels: [
        [1, 0, 1],
        [0, 1, 0],
      ],
    };
    failEverywhere(model as unknown as Trainable, batch, (s) => model.setSeed(s));
    model.dispose();
  });
});
