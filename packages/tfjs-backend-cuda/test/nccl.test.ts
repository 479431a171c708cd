// NcclCommunicator on the fake device's host-memory NCCL (src/fake/fake-nccl.ts: every other
// rank mirrors this one): tensors to device buffers, in-place results, output shapes, dtypes,
// typed errors, timeouts that abort, and no leaked tensors. The addon side of the same calls is
// checked on a stand-in libnccl in native/nccl-stub.test.ts.
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { NcclError, NcclTimeoutError, NcclUnavailableError } from '../src/errors.js';
import { NcclCommunicator, ncclGetUniqueId, ncclStatus } from '../src/nccl/communicator.js';
import { cudaBackend, onRealGpu, useFakeCuda } from './fake-backend.js';

async function communicator(worldSize: number, rank: number, timeoutMs?: number): Promise<NcclCommunicator> {
  return NcclCommunicator.init(ncclGetUniqueId(), worldSize, rank, { timeoutMs });
}

describe.skipIf(onRealGpu)('NcclCommunicator on the fake device', () => {
  afterEach(() => tf.disposeVariables());

  it('reports the fake library and makes 128-byte unique ids', async () => {
    await useFakeCuda();
    expect(ncclStatus()).toEqual({ available: true, version: 22703, library: 'fake (host memory)' });
    const id = ncclGetUniqueId();
    expect(id).toHaveLength(128);
    expect([id[0], id[1], id[127]]).toEqual([1, 8, (127 * 7 + 1) & 0xff]);
  });

  it('all-reduces in place: world size 1 keeps the values, 2 mirrored ranks double a sum', async () => {
    const device = await useFakeCuda();
    const one = await communicator(1, 0);
    const x = tf.tensor2d([
      [1, -2],
      [3.5, 4],
    ]);
    await one.allReduce(x, 'sum');
    expect(await x.array()).toEqual([
      [1, -2],
      [3.5, 4],
    ]);
    const two = await communicator(2, 1);
    expect([two.worldSize, two.rank]).toEqual([2, 1]);
    await two.allReduce(x);
    expect(await x.data()).toEqual(new Float32Array([2, -4, 7, 8]));
    await two.allReduce(x, 'avg');
    await two.allReduce(x, 'max');
    expect(await x.data()).toEqual(new Float32Array([2, -4, 7, 8]));
    const ints = tf.tensor1d([3, -1], 'int32');
    await two.allReduce(ints, 'sum');
    expect(await ints.data()).toEqual(new Int32Array([6, -2]));
    expect(device.ncclLog.calls).toEqual([
      'allReduce count=4 dtype=7 op=sum',
      'allReduce count=4 dtype=7 op=sum',
      'allReduce count=4 dtype=7 op=avg',
      'allReduce count=4 dtype=7 op=max',
      'allReduce count=2 dtype=2 op=sum',
    ]);
    tf.dispose([x, ints]);
  });

  it('drops the bf16 copy autocast kept of a tensor it writes in place', async () => {
    await useFakeCuda();
    const backend = cudaBackend();
    const two = await communicator(2, 1);
    const x = tf.tensor2d([
      [1, -2],
      [3.5, 4],
    ]);
    const eye = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    backend.setMatMulAutocast('bf16');
    try {
      tf.matMul(x, eye).dispose();
      expect(backend.bf16CopyStats().copies).toBe(2);
      await two.allReduce(x);
      expect(backend.bf16CopyStats().copies).toBe(1);
      // The product reads x as it is now (doubled), not the copy made before the all-reduce.
      const product = tf.matMul(x, eye);
      expect(await product.data()).toEqual(new Float32Array([2, -4, 7, 8]));
      product.dispose();
      expect(backend.bf16CopyStats().copies).toBe(2);
      await two.broadcast(x, 0);
      expect(backend.bf16CopyStats().copies).toBe(1);
    } finally {
      backend.setMatMulAutocast(null);
      tf.dispose([x, eye]);
    }
  });

  it('gathers along the first axis, broadcasts in place and reduce-scatters a slice', async () => {
    await useFakeCuda();
    const comm = await communicator(3, 2);
    const before = tf.memory().numTensors;
    const x = tf.tensor2d([[1, 2]], [1, 2], 'int32');
    const gathered = await comm.allGather(x);
    expect(gathered.shape).toEqual([3, 2]);
    expect(gathered.dtype).toBe('int32');
    expect(await gathered.array()).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
    const scalar = await comm.allGather(tf.scalar(5));
    expect(scalar.shape).toEqual([3]);
    await comm.broadcast(x, 1);
    expect(await x.array()).toEqual([[1, 2]]);
    const big = tf.tensor1d([1, 2, 3, 4, 5, 6]);
    const mine = await comm.reduceScatter(big, 'sum');
    expect(mine.shape).toEqual([2]);
    expect(await mine.data()).toEqual(new Float32Array([15, 18])); // rank 2's slice [5, 6] times 3
    const mineMax = await comm.reduceScatter(big, 'max');
    expect(await mineMax.data()).toEqual(new Float32Array([5, 6]));
    tf.dispose([x, gathered, scalar, big, mine, mineMax]);
    expect(tf.memory().numTensors).toBe(before + 1); // the tf.scalar(5) operand, still alive
  });

  it('needs the cuda backend', async () => {
    await tf.setBackend('cpu');
    expect(() => ncclGetUniqueId()).toThrow(NcclError);
    expect(() => ncclGetUniqueId()).toThrow("tfjs' backend is 'cpu'");
    expect(ncclStatus()).toMatchObject({ available: false });
  });
});

describe.skipIf(onRealGpu)('NCCL failures on the fake device', () => {
  it('throws NcclUnavailableError with the reason when there is no library', async () => {
    await useFakeCuda({ nccl: { unavailable: 'libnccl.so.2 not found (searched: the system loader)' } });
    expect(ncclStatus()).toEqual({
      available: false,
      reason: 'unavailable: libnccl.so.2 not found (searched: the system loader)',
    });
    expect(() => ncclGetUniqueId()).toThrow(NcclUnavailableError);
    await expect(NcclCommunicator.init(new Uint8Array(128), 1, 0)).rejects.toThrow(
      'unavailable: libnccl.so.2 not found',
    );
  });

  it('maps an NCCL result to NcclError.result', async () => {
    await useFakeCuda({ nccl: { fail: { call: 'allGather', result: 'ncclInvalidUsage' } } });
    const comm = await communicator(2, 0);
    const before = tf.memory().numTensors;
    const error = await comm.allGather(tf.tensor1d([1])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NcclError);
    expect((error as NcclError).result).toBe('ncclInvalidUsage');
    expect((error as Error).message).toBe('ncclAllGather: ncclInvalidUsage (fake NCCL failure)');
    expect(tf.memory().numTensors).toBe(before + 1); // the output was disposed, only the operand is left
  });

  it('times out a collective that never completes and aborts the communicator', async () => {
    const device = await useFakeCuda({ nccl: { hang: true } });
    const comm = await communicator(2, 1, 50);
    const x = tf.tensor1d([1, 2]);
    const error = await comm.allReduce(x).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NcclTimeoutError);
    expect((error as Error).message).toContain('timed out after 50 ms (rank 1 of 2');
    expect(device.ncclLog.aborted).toBe('a collective timed out after 50 ms');
    await expect(comm.allReduce(x)).rejects.toThrow(
      'the NCCL communicator is gone (aborted: a collective timed out',
    );
    x.dispose();
  });
});
