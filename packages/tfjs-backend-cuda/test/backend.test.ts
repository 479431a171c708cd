// The data map: uploads and downloads per dtype, host copies of small uploads, shared data under
// Reshape, refcounts, disposal returning blocks once, memory() numbers, TF32 opt-in, fallbacks
// and their counts.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HOST_COPY_MAX_BYTES } from '../src/backend.js';
import { getFallbackCounts, resetFallbackCounts } from '../src/fallback.js';
import type { FakeCudaDevice } from '../src/fake/fake-device.js';
import type { GemmDesc } from '../src/device.js';
import { getAllowTf32, setAllowTf32 } from '../src/settings.js';
import { cudaBackend, onRealGpu, useFakeCuda } from './fake-backend.js';

let device: FakeCudaDevice;

beforeEach(async () => {
  device = await useFakeCuda();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('storage', () => {
  it('round-trips float32, int32, bool (as int32 on the device) and strings (on the host)', async () => {
    const f = tf.tensor([1.5, -2, 3.25]);
    const i = tf.tensor([7, -8, 2147483647], [3], 'int32');
    const b = tf.tensor([true, false, true], [3], 'bool');
    const s = tf.tensor(['a', 'bé'], [2], 'string');
    expect([...f.dataSync()]).toEqual([1.5, -2, 3.25]);
    expect(i.dataSync()).toBeInstanceOf(Int32Array);
    expect([...i.dataSync()]).toEqual([7, -8, 2147483647]);
    const bools = b.dataSync();
    expect(bools).toBeInstanceOf(Uint8Array);
    expect([...bools]).toEqual([1, 0, 1]);
    expect(s.dataSync()).toEqual(['a', 'bé']);
    // bool words on the device are int32 0/1.
    const word = new Int32Array(3);
    device.download(word, cudaBackend().ptrOf(b));
    expect([...word]).toEqual([1, 0, 1]);
    expect(await f.data()).toEqual(new Float32Array([1.5, -2, 3.25]));
    expect([...(await b.data())]).toEqual([1, 0, 1]);
    // The same through downloads: dropping the host copies (as an in-place write does).
    const downloaded = device.counters.bytesDownloaded;
    for (const t of [f, i, b]) cudaBackend().wroteInPlace(t);
    expect([...f.dataSync()]).toEqual([1.5, -2, 3.25]);
    const ints = i.dataSync();
    expect(ints).toBeInstanceOf(Int32Array);
    expect([...ints]).toEqual([7, -8, 2147483647]);
    const flags = await b.data();
    expect(flags).toBeInstanceOf(Uint8Array);
    expect([...flags]).toEqual([1, 0, 1]);
    if (!onRealGpu) expect(device.counters.bytesDownloaded - downloaded).toBe(3 * 12);
    tf.dispose([f, i, b, s]);
  });

  it('small uploads read back from a host copy, no download; large ones and in-place writes download', async () => {
    const source = Int32Array.of(4, -5, 6);
    const small = tf.tensor(source, [3], 'int32');
    source[0] = 99; // the caller's array is not the copy
    const flags = tf.tensor([false, true], [2], 'bool');
    const large = tf.tensor(new Float32Array(HOST_COPY_MAX_BYTES / 4 + 1).fill(0.5));
    const downloaded = device.counters.bytesDownloaded;
    const read = small.dataSync();
    expect([...read]).toEqual([4, -5, 6]);
    read[1] = 0; // nor is what a read returns
    expect([...(await small.data())]).toEqual([4, -5, 6]);
    expect(flags.dataSync()).toEqual(Uint8Array.of(0, 1));
    if (!onRealGpu) expect(device.counters.bytesDownloaded).toBe(downloaded);
    expect(large.dataSync()[HOST_COPY_MAX_BYTES / 4]).toBe(0.5);
    if (!onRealGpu) expect(device.counters.bytesDownloaded - downloaded).toBe(HOST_COPY_MAX_BYTES + 4);
    // A kernel writes `small` in place: reads see the device's values from then on.
    device.upload(cudaBackend().ptrOf(small), Int32Array.of(7, 8, 9));
    cudaBackend().wroteInPlace(small);
    expect([...small.dataSync()]).toEqual([7, 8, 9]);
    // Kernel outputs have no host copy.
    const doubled = tf.mul(small, 2);
    const before = device.counters.bytesDownloaded;
    expect([...doubled.dataSync()]).toEqual([14, 16, 18]);
    if (!onRealGpu) expect(device.counters.bytesDownloaded - before).toBe(12);
    tf.dispose([small, flags, large, doubled]);
  });

  it('empty tensors take no device memory', () => {
    const before = cudaBackend().memory().bytesInUse;
    const empty = tf.zeros([0, 5]);
    expect(empty.dataSync()).toEqual(new Float32Array(0));
    expect(cudaBackend().memory().bytesInUse).toBe(before);
    empty.dispose();
  });

  it('read() keeps the block alive when the tensor is disposed while the copy is in flight', async () => {
    // A kernel's output: no host copy, so the read downloads.
    const x = tf.tidy(() => tf.add(tf.tensor([3, 4, 5]), 1));
    const buffers = tf.memory().numDataBuffers;
    const pending = x.data();
    x.dispose();
    // tfjs forgets the data at once; the block stays in use until the copy is done.
    expect(tf.memory().numDataBuffers).toBe(buffers - 1);
    expect(cudaBackend().memory().bytesInUse).toBe(512);
    expect([...(await pending)]).toEqual([4, 5, 6]);
    expect(cudaBackend().memory().bytesInUse).toBe(0);
  });

  it('moves tensors created on cpu to the device on first use', async () => {
    await tf.setBackend('cpu');
    const x = tf.tensor([1, 2, 3]);
    await tf.setBackend('cuda');
    const y = tf.mul(x, 2);
    expect([...y.dataSync()]).toEqual([2, 4, 6]);
    expect(cudaBackend().numDataIds()).toBe(2);
    tf.dispose([x, y]);
  });

  it('rejects more than 2^31 - 1 elements before allocating', () => {
    expect(() => cudaBackend().makeOutput([65536, 65536], 'float32')).toThrow(/at most 2147483647/);
    expect(cudaBackend().memory().mallocs).toBe(0);
  });
});

describe('refcounts and disposal', () => {
  it('reshape shares the block; the block is released once, after the last view', () => {
    const backend = cudaBackend();
    const x = tf.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const y = tf.reshape(x, [3, 2]);
    const z = tf.expandDims(y, 0);
    expect(backend.ptrOf(y)).toBe(backend.ptrOf(x));
    expect(backend.refCount(x.dataId)).toBe(3);
    const inUse = backend.memory().bytesInUse;
    expect(inUse).toBe(512);
    x.dispose();
    y.dispose();
    expect(backend.memory().bytesInUse).toBe(512);
    expect([...z.dataSync()]).toEqual([1, 2, 3, 4, 5, 6]);
    z.dispose();
    expect(backend.memory()).toMatchObject({ bytesInUse: 0, bytesCached: 512, numBytesInGPUAllocated: 512 });
    expect(backend.numDataIds()).toBe(0);
  });

  it('disposing twice does not release twice; the next tensor reuses the cached block', () => {
    const backend = cudaBackend();
    const x = tf.tensor([1, 2, 3]);
    const ptr = backend.ptrOf(x);
    x.dispose();
    x.dispose();
    expect(backend.memory().bytesCached).toBe(512);
    const y = tf.tensor([9, 9, 9]);
    expect(backend.ptrOf(y)).toBe(ptr);
    if (!onRealGpu) expect(device.counters.mallocs).toBe(1);
    y.dispose();
  });

  it('memory() reports device bytes and tf.memory() passes them through', () => {
    const x = tf.ones([1024, 1024]);
    const info = tf.memory() as tf.MemoryInfo & Record<string, number | boolean>;
    expect(info.unreliable).toBe(false);
    expect(info.numBytesInGPU).toBe(4 * 1024 * 1024);
    expect(info.bytesInUse).toBe(4 * 1024 * 1024);
    expect(info.numTensors).toBe(1);
    x.dispose();
    const after = tf.memory() as tf.MemoryInfo & Record<string, number>;
    expect(after.bytesInUse).toBe(0);
    expect(after.bytesCached).toBe(4 * 1024 * 1024);
    cudaBackend().emptyCache();
    expect((tf.memory() as tf.MemoryInfo & Record<string, number>).bytesCached).toBe(0);
  });

  it('resetPeakMemoryStats() starts the peak over from what is in use', () => {
    const kept = tf.ones([256]);
    const big = tf.ones([1024, 1024]);
    big.dispose();
    const peak = () => (tf.memory() as tf.MemoryInfo & Record<string, number>).peakBytesInUse;
    expect(peak()).toBeGreaterThanOrEqual(4 * 1024 * 1024 + 1024);
    cudaBackend().resetPeakMemoryStats();
    expect(peak()).toBe(1024);
    const small = tf.ones([512]);
    expect(peak()).toBe(1024 + 2048);
    tf.dispose([kept, small]);
  });

  it.skipIf(onRealGpu)('dispose() of the backend returns every block to the device', () => {
    const x = tf.ones([100]);
    void x;
    tf.removeBackend('cuda');
    expect(device.heap.bytesAllocated).toBe(0);
  });
});

describe('TF32', () => {
  afterEach(() => setAllowTf32(false));

  it('is off by default and passed to gemm once allowed', () => {
    expect(getAllowTf32()).toBe(false);
    const seen: boolean[] = [];
    const gemm = device.gemm.bind(device);
    vi.spyOn(device, 'gemm').mockImplementation((desc: GemmDesc) => {
      seen.push(desc.tf32);
      gemm(desc);
    });
    const a = tf.ones([2, 2]);
    tf.matMul(a, a).dispose();
    setAllowTf32(true);
    tf.matMul(a, a).dispose();
    a.dispose();
    expect(seen).toEqual([false, true]);
  });
});

describe('fallbacks', () => {
  beforeEach(() => resetFallbackCounts());

  it('a kernel without a device version runs on the cpu and is counted per name', () => {
    const x = tf.tensor([3, 1, 2]);
    const { values: sorted, indices } = tf.topk(x, 2);
    expect([...sorted.dataSync()]).toEqual([3, 2]);
    expect([...indices.dataSync()]).toEqual([0, 2]);
    tf.cumsum(x).dispose();
    tf.cumsum(x).dispose();
    expect(getFallbackCounts()).toEqual({ Cumsum: 2, TopK: 1 });
    resetFallbackCounts();
    expect(getFallbackCounts()).toEqual({});
    tf.dispose([x, sorted, indices]);
  });

  it('a device kernel falls back for a case it does not cover (and says why in the log)', () => {
    vi.stubEnv('NER_CUDA_LOG_FALLBACKS', '1');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const x = tf.tensor([1, -2, 3], [3], 'int32');
      tf.abs(x).dispose();
      tf.abs(x).dispose();
      x.dispose();
      expect(getFallbackCounts()).toEqual({ Abs: 2 });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]![0]).toMatch(/Abs runs on the cpu \(fallback: int32 input\)/);
    } finally {
      warn.mockRestore();
      vi.unstubAllEnvs();
    }
  });

  it('fallback leaves no tensors or cpu data behind', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor([
      [1, 2],
      [3, 4],
    ]);
    const y = tf.cumsum(x, 1);
    expect([...y.dataSync()]).toEqual([1, 3, 3, 7]);
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
    expect(cudaBackend().cpuBackend().numDataIds()).toBe(0);
  });
});
