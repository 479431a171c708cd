// @ner/accelerate's `nccl` engine over this package's NcclCommunicator on the fake device (whose
// NCCL mirrors every other rank: a world of 2 doubles a sum): the unique id goes through a real
// TcpStoreServer, host arrays travel through device tensors, and results come back in place. And
// the Accelerator's gradient averaging over nccl, which keeps the gradients on the device.
import { type CudaModule, createNcclBackend } from '@ner/accelerate/internal';
import { Accelerator, findFreePort, ProcessGroup, TcpStoreServer } from '@ner/accelerate';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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

/** Counts the elements of every tensor the cuda backend reads to the host until `done()`. */
function readSizes(): { done(): number[] } {
  type Reader = {
    readSync(id: object): unknown;
    read(id: object): Promise<unknown>;
    data: { get(id: object): { shape: number[] } | undefined };
  };
  const backend = tf.backend() as unknown as Reader;
  const { readSync, read } = Object.getPrototypeOf(backend) as Reader;
  const sizes: number[] = [];
  const size = (id: object) => (backend.data.get(id)?.shape ?? []).reduce((a, b) => a * b, 1);
  const spies = [
    vi.spyOn(backend, 'readSync').mockImplementation((id: object) => {
      sizes.push(size(id));
      return readSync.call(backend, id);
    }),
    vi.spyOn(backend, 'read').mockImplementation((id: object) => {
      sizes.push(size(id));
      return read.call(backend, id);
    }),
  ];
  return {
    done() {
      for (const spy of spies) spy.mockRestore();
      return sizes;
    },
  };
}

/** Both ranks of a 2-process nccl group, joined in this process (each rank's NCCL mirrors it). */
async function ncclGroups(): Promise<ProcessGroup[]> {
  await useFakeCuda();
  const cuda = (await import('../src/index.js')) as unknown as CudaModule;
  const port = await findFreePort();
  return Promise.all(
    [0, 1].map((rank) =>
      ProcessGroup.init({
        rank,
        worldSize: 2,
        masterPort: port,
        secret: SECRET,
        timeoutMs: 10_000,
        backend: 'nccl',
        createBackend: (_name, init) => createNcclBackend(init, async () => cuda),
      }),
    ),
  );
}

describe.skipIf(onRealGpu)('gradients reduced on the device (nccl on the fake device)', () => {
  it('ProcessGroup.allReduceTensor: on the device, the input kept unless consumed', async () => {
    const [group, peer] = (await ncclGroups()) as [ProcessGroup, ProcessGroup];
    expect(group.reducesDeviceTensors).toBe(true);
    const x = tf.tensor([1.5, -0, 3], [3]);
    const hostPath = vi.spyOn(group, 'allReduce');
    const sum = await group.allReduceTensor(x, 'sum');
    expect([...sum.dataSync()]).toEqual([3, -0, 6]);
    expect(Object.is(sum.dataSync()[1], -0)).toBe(true);
    expect([...x.dataSync()]).toEqual([1.5, -0, 3]);
    const mean = await group.allReduceTensor(sum, 'mean', { consume: true });
    expect([...mean.dataSync()]).toEqual([3, -0, 6]);
    await expect(group.allReduceTensor(tf.tensor([1], [1], 'int32'), 'sum')).rejects.toThrow(/float32/);
    expect(hostPath).not.toHaveBeenCalled();
    tf.dispose([x, mean]);
    await Promise.all([group.close(), peer.close()]);
  });

  it('Accelerator.reduceGradients: the mean in one device all-reduce, shapes kept, inputs freed, no leak', async () => {
    const [group, peer] = (await ncclGroups()) as [ProcessGroup, ProcessGroup];
    const accelerator = new Accelerator({ processGroup: group });
    expect(accelerator.numProcesses).toBe(2);
    // One gradient larger than the host copies the backend keeps of small uploads (64 KiB): its
    // values could only reach the host by a download.
    const values = {
      'encoder.weight': tf.tensor(
        Float32Array.from({ length: 20_000 }, (_, i) => Math.sin(i)),
        [100, 200],
      ),
      bias: tf.tensor([7, -0.125]),
      'a.scalar': tf.scalar(-4),
    };
    const expected = Object.fromEntries(
      Object.entries(values).map(([name, t]) => [name, { shape: t.shape, data: [...t.dataSync()] }]),
    );
    const tensors = tf.memory().numTensors;
    const grads = new Map(Object.entries(values).map(([name, t]) => [name, t as tf.Tensor]));
    const hostPath = vi.spyOn(group, 'allReduce');
    const reads = readSizes();
    const reduced = await accelerator.reduceGradients(grads);
    expect(hostPath).not.toHaveBeenCalled();
    // The tensors read to the host: the collective's header only (the fake NCCL itself moves the
    // gradients through host memory, as a stand-in for the GPUs' links).
    expect(reads.done().every((elements) => elements < 64)).toBe(true);
    // The mirrored peer holds the same gradients: their mean is them, bit for bit.
    for (const [name, { shape, data }] of Object.entries(expected)) {
      expect(reduced.get(name)!.shape, name).toEqual(shape);
      expect([...reduced.get(name)!.dataSync()], name).toEqual(data);
    }
    for (const t of Object.values(values)) expect(t.isDisposed).toBe(true);
    expect(tf.memory().numTensors).toBe(tensors);
    tf.dispose([...reduced.values()]);
    await Promise.all([group.close(), peer.close()]);
  });
});
