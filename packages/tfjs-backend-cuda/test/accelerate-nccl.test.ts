// @ner/accelerate's `nccl` engine over this package's NcclCommunicator on the fake device (whose
// NCCL mirrors every other rank: a world of 2 doubles a sum): the unique id goes through a real
// TcpStoreServer, host arrays travel through device tensors, and results come back in place.
import { type CudaModule, createNcclBackend } from '@ner/accelerate/internal';
import { TcpStoreServer } from '@ner/accelerate';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onRealGpu, useFakeCuda } from './fake-backend.js';

const SECRET = 'nccl-engine-test';
let store: TcpStoreServer;

beforeAll(async () => {
  store = await TcpStoreServer.listen({ host: '127.0.0.1', port: 0, secret: SECRET });
});
afterAll(async () => {
  await store.close();
});

async function engine(worldSize: number, rank: number, prefix: string) {
  await useFakeCuda();
  const cuda = (await import('../src/index.js')) as unknown as CudaModule;
  return createNcclBackend(
    {
      rank,
      worldSize,
      timeoutMs: 10_000,
      store: { host: '127.0.0.1', port: store.port, secret: SECRET, prefix },
    },
    async () => cuda,
  );
}

describe.skipIf(onRealGpu)('@ner/accelerate nccl engine on the fake device', () => {
  it('world size 1: every collective returns the single-process result', async () => {
    const nccl = await engine(1, 0, 'one');
    const sum = new Float32Array([1.5, -2, 3]);
    await nccl.allReduce(sum, 'sum');
    expect([...sum]).toEqual([1.5, -2, 3]);
    const gathered = await nccl.allGather(new Int32Array([7, 8]));
    expect([...gathered]).toEqual([7, 8]);
    const bytes = new Uint8Array([1, 2, 255]);
    await nccl.broadcast(bytes, 0);
    expect([...bytes]).toEqual([1, 2, 255]);
    const block = await nccl.reduceScatter(new Float32Array([4, 5, 6]), [3], 'sum');
    expect([...block]).toEqual([4, 5, 6]);
    await nccl.barrier();
    await nccl.close();
    await expect(nccl.allReduce(new Float32Array([1]), 'sum')).rejects.toThrow();
  });

  it('world size 2 (mirrored peer): sum doubles, mean keeps, max keeps, no tensor leaks', async () => {
    const nccl = await engine(2, 0, 'two');
    const tensorsBefore = tf.memory().numTensors;
    const values = new Float32Array([1, -3, 0.5]);
    await nccl.allReduce(values, 'sum');
    expect([...values]).toEqual([2, -6, 1]);
    await nccl.allReduce(values, 'mean');
    expect([...values]).toEqual([2, -6, 1]);
    await nccl.allReduce(values, 'max');
    expect([...values]).toEqual([2, -6, 1]);
    const gathered = await nccl.allGather(new Float32Array([9, 10]));
    expect([...gathered]).toEqual([9, 10, 9, 10]);
    await nccl.close();
    // Host arrays travel through device tensors that the engine disposes.
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});
