// bf16 autocast when device memory runs short (fake device): the operand copies the backend keeps
// under autocast are a cache, so the allocator takes them back before it gives up. A BERT step
// that fits in fp32 but not with every copy kept runs, with the same loss and gradients to the
// bit as on a roomy device; without the reclaim it runs out of memory.
import '@tensorflow/tfjs-backend-cpu';
import { BertConfig, BertForTokenClassification, withAutocast } from '@ner/models';
import { tinyBertSizes } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, expect, it } from 'vitest';
import { CudaOutOfMemoryError } from '../src/errors.js';
import { cudaBackend, onRealGpu, uniformTensor, useFakeCuda } from './fake-backend.js';
import { collateTokenRows, tokenRows } from './token-rows.js';

afterAll(async () => {
  await tf.setBackend('cpu');
});

const batchRows = collateTokenRows(tokenRows(16, 48));

/** One forward and backward pass of a 2-layer tiny BERT, bf16 or fp32, on a fresh fake device. */
async function step(capacityBytes: number, bf16: boolean, reclaim = true) {
  await useFakeCuda({ capacityBytes });
  const backend = cudaBackend();
  if (!reclaim) backend.allocator.onPressure = null;
  const model = new BertForTokenClassification(
    new BertConfig({ ...tinyBertSizes(2), numLabels: 3, maxPositionEmbeddings: 64 }),
    { seed: 8 },
  );
  const column = (c: (typeof batchRows)['input_ids']) => tf.tensor(c.data, c.shape, c.dtype);
  const batch = {
    input_ids: column(batchRows.input_ids),
    attention_mask: column(batchRows.attention_mask),
    labels: column(batchRows.labels),
  };
  // A first fp32 pass makes what a backend makes once (a matmul workspace), so it is at rest.
  const warm = model.computeGradients(batch, { training: false });
  tf.dispose([warm.loss, ...warm.grads.values()]);
  const before = tf.memory().numTensors;
  backend.allocator.resetPeak();
  const atRest = backend.memory().bytesInUse;
  try {
    const { loss, grads } = withAutocast(bf16 ? 'bf16' : null, () =>
      model.computeGradients(batch, { training: false }),
    );
    const result = {
      loss: loss.dataSync()[0],
      grads: [...grads.values()].map((g) => Array.from(g.dataSync())),
      atRest,
      peakAboveRest: backend.allocator.stats().peakBytesInUse - atRest,
      copies: backend.bf16CopyStats(),
    };
    tf.dispose([loss, ...grads.values()]);
    return result;
  } finally {
    backend.setMatMulAutocast(null);
    expect(tf.memory().numTensors).toBe(before);
    expect(backend.memory().bytesInUse).toBe(atRest);
    tf.dispose([...Object.values(batch), ...model.namedParameters().map(([, v]) => v)]);
  }
}

it.skipIf(onRealGpu)(
  'a bf16 step that fits only without its operand copies runs, bit for bit as with room to spare',
  async () => {
    const roomy = 64 * 1024 * 1024;
    const fp32 = await step(roomy, false);
    const bf16 = await step(roomy, true);
    // With room, every copy is kept: the step peaks above fp32 by about their bytes.
    expect(bf16.copies.reclaimedCopies).toBe(0);
    expect(bf16.peakAboveRest).toBeGreaterThan(fp32.peakAboveRest * 1.2);

    // A device halfway from the fp32 peak to the bf16 one (the first-fit heap's
    // fragments and the copies of the product running take the margin).
    const margin = (bf16.peakAboveRest - fp32.peakAboveRest) / 2;
    const tight = 4096 * Math.ceil((fp32.atRest + fp32.peakAboveRest + margin) / 4096);
    await expect(step(tight, true, false)).rejects.toThrow(CudaOutOfMemoryError);
    const squeezed = await step(tight, true);
    expect(squeezed.copies.reclaimedCopies).toBeGreaterThan(0);
    expect(squeezed.copies.reclaimedBytes).toBeGreaterThan(0);
    expect(squeezed.peakAboveRest).toBeLessThan(bf16.peakAboveRest);
    // Recast copies are the same bits: nothing about the numbers changes.
    expect(squeezed.loss).toBe(bf16.loss);
    expect(squeezed.grads).toEqual(bf16.grads);
    expect(bf16.loss).not.toBe(fp32.loss);
  },
);

/** x1 @ w1 (leaving their copies), then x1 @ b on a device of `capacityBytes`. */
async function twoProducts(capacityBytes: number) {
  await useFakeCuda({ capacityBytes });
  const backend = cudaBackend();
  const [x1, w1, b] = [11, 12, 13].map((seed) => uniformTensor([64, 64], seed)) as [
    tf.Tensor,
    tf.Tensor,
    tf.Tensor,
  ];
  try {
    return withAutocast('bf16', () => {
      tf.matMul(x1, w1).dispose();
      const y = tf.matMul(x1, b);
      const result = { values: Array.from(y.dataSync()), copies: backend.bf16CopyStats() };
      y.dispose();
      return result;
    });
  } finally {
    tf.dispose([x1, w1, b]);
  }
}

it.skipIf(onRealGpu)(
  "takes back the copies no product is reading, never the running product's operands",
  async () => {
    const roomy = await twoProducts(1024 * 1024);
    expect(roomy.copies).toMatchObject({ copies: 3, reclaimedCopies: 0 });
    // Three 16 KiB tensors, x1's and w1's 8 KiB copies, the second product's 16 KiB output:
    // b's copy fits only in place of one of the others. w1's is taken (x1's is read by the
    // product asking), and the product is the same to the bit.
    const tight = await twoProducts(256 + 3 * 16384 + 2 * 8192 + 16384 + 4096);
    expect(tight.copies).toMatchObject({ copies: 2, reclaimedCopies: 1, reclaimedBytes: 8192 });
    expect(tight.values).toEqual(roomy.values);
  },
);
