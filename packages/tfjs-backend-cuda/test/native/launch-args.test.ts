// src/addon.ts checks launch arguments against KERNEL_ABI and packs them in the layout
// binding.cc reads (8-byte slots, 104 for NerDims); GEMM descriptors go as two typed arrays.
// A recording stand-in for the native device shows both without a GPU.
import { describe, expect, it } from 'vitest';
import { type NativeDevice, wrapNativeDevice } from '../../src/addon.js';
import { type KernelArg, NER_DIMS_INTS } from '../../src/device.js';
import { CudaAbiError } from '../../src/errors.js';
import { KERNEL_ABI } from '../../src/kernel-abi.js';

interface Recorded {
  launches: { kernel: number; geometry: number[]; args: Uint8Array }[];
  gemms: { pointers: bigint[]; numbers: number[] }[];
}

function recordingDevice(): { native: NativeDevice; seen: Recorded } {
  const seen: Recorded = { launches: [], gemms: [] };
  const unused = () => {
    throw new Error('not used in this test');
  };
  const native: NativeDevice = {
    malloc: unused,
    free: unused,
    upload: unused,
    download: unused,
    downloadAsync: unused,
    copy: unused,
    fill32: unused,
    launch: (kernel, geometry, args) =>
      seen.launches.push({ kernel, geometry: [...geometry], args: new Uint8Array(args) }),
    gemm: (pointers, numbers) => seen.gemms.push({ pointers: [...pointers], numbers: [...numbers] }),
    synchronize: unused,
    memGetInfo: unused,
    info: unused,
    close: unused,
    ncclInit: unused,
    startTimer: unused,
    stopTimer: unused,
    readTimer: unused,
  };
  return { native, seen };
}

/** A one-thread launch of `kernel` on a fresh recording device, to run inside `expect(...).toThrow`. */
function launchOneThread(kernel: string, args: readonly KernelArg[]): () => void {
  const device = wrapNativeDevice(recordingDevice().native);
  return () => device.launch(kernel, [1, 1, 1], [1, 1, 1], 0, args);
}

describe('launch argument packing', () => {
  it('packs ptr, i32, f32 and dims into 8-byte slots (104 for NerDims) by kernel index', () => {
    const { native, seen } = recordingDevice();
    const device = wrapNativeDevice(native);
    const dims = new Int32Array(NER_DIMS_INTS).map((_, i) => i + 1);
    device.launch('ner_binary_f32', [3, 1, 1], [256, 1, 1], 0, [
      { ptr: 0x7f0000001000n },
      { ptr: 0x7f0000002000n },
      { ptr: 0x7f0000003000n },
      { i32: -5 },
      { i32: 2 },
      { dims },
    ]);
    expect(seen.launches).toHaveLength(1);
    const call = seen.launches[0] as Recorded['launches'][number];
    expect(call.kernel).toBe(Object.keys(KERNEL_ABI).indexOf('ner_binary_f32'));
    expect(call.geometry).toEqual([3, 1, 1, 256, 1, 1, 0]);
    expect(call.args.byteLength).toBe(5 * 8 + 104);
    const view = new DataView(call.args.buffer);
    expect(view.getBigUint64(0, true)).toBe(0x7f0000001000n);
    expect(view.getBigUint64(16, true)).toBe(0x7f0000003000n);
    expect(view.getInt32(24, true)).toBe(-5);
    expect(view.getInt32(32, true)).toBe(2);
    expect(view.getInt32(40, true)).toBe(1);
    expect(view.getInt32(40 + 4 * 24, true)).toBe(25);
  });

  it('packs u32 and f32 bit-exactly', () => {
    const { native, seen } = recordingDevice();
    wrapNativeDevice(native).launch('ner_random_uniform_f32', [1, 1, 1], [128, 1, 1], 0, [
      { ptr: 8n },
      { i32: 10 },
      { u32: 0xffffffff },
      { u32: 0 },
      { u32: 7 },
      { f32: 0.1 },
      { f32: -2 },
    ]);
    const view = new DataView((seen.launches[0] as Recorded['launches'][number]).args.buffer);
    expect(view.getUint32(16, true)).toBe(0xffffffff);
    expect(view.getUint32(32, true)).toBe(7);
    expect(view.getFloat32(40, true)).toBe(Math.fround(0.1));
    expect(view.getFloat32(48, true)).toBe(-2);
  });

  it('rejects a kernel KERNEL_ABI does not list', () => {
    expect(launchOneThread('ner_nope', [])).toThrow(CudaAbiError);
  });

  it('rejects a wrong number of arguments, naming the expected kinds', () => {
    expect(launchOneThread('ner_gelu_erf_f32', [{ ptr: 1n }])).toThrow(
      'launch(ner_gelu_erf_f32): 1 arguments, expected 3 (ptr, ptr, i32)',
    );
  });

  it('rejects an argument of the wrong kind, naming its position', () => {
    expect(launchOneThread('ner_gelu_erf_f32', [{ ptr: 1n }, { ptr: 2n }, { f32: 3 }])).toThrow(
      'launch(ner_gelu_erf_f32): argument 2 is f32, expected i32',
    );
  });

  it('rejects an i32 that is not a 32-bit integer', () => {
    expect(launchOneThread('ner_gelu_erf_f32', [{ ptr: 1n }, { ptr: 2n }, { i32: 2 ** 31 }])).toThrow(
      CudaAbiError,
    );
    expect(launchOneThread('ner_gelu_erf_f32', [{ ptr: 1n }, { ptr: 2n }, { i32: 1.5 }])).toThrow(
      CudaAbiError,
    );
  });

  it('rejects a NerDims of the wrong length', () => {
    expect(
      launchOneThread('ner_transpose_32', [
        { ptr: 1n },
        { ptr: 2n },
        { i32: 4 },
        { dims: new Int32Array(24) },
      ]),
    ).toThrow('argument 3 (dims) must be an Int32Array of 25');
  });
});

describe('gemm descriptor packing', () => {
  it('sends pointers (bias 0 when absent) and the 17 numbers in binding.cc order', () => {
    const { native, seen } = recordingDevice();
    wrapNativeDevice(native).gemm({
      a: 1n,
      b: 2n,
      c: 3n,
      m: 4,
      n: 5,
      k: 6,
      transA: true,
      transB: false,
      lda: 4,
      ldb: 5,
      ldc: 5,
      batch: 2,
      strideA: 24,
      strideB: 0,
      strideC: 20,
      alpha: 1,
      beta: 0.5,
      activation: 'relu',
      tf32: true,
    });
    expect(seen.gemms[0]?.pointers).toEqual([1n, 2n, 3n, 0n]);
    expect(seen.gemms[0]?.numbers).toEqual([4, 5, 6, 1, 0, 4, 5, 5, 2, 24, 0, 20, 1, 0.5, 1, 1, 0]);
  });

  it('sends bf16 (autocast operands) as the 17th number', () => {
    const { native, seen } = recordingDevice();
    wrapNativeDevice(native).gemm({
      a: 1n,
      b: 2n,
      c: 3n,
      bias: 4n,
      m: 2,
      n: 3,
      k: 4,
      transA: false,
      transB: true,
      lda: 4,
      ldb: 4,
      ldc: 3,
      batch: 1,
      strideA: 0,
      strideB: 0,
      strideC: 0,
      alpha: 1,
      beta: 0,
      tf32: false,
      bf16: true,
    });
    expect(seen.gemms[0]?.pointers).toEqual([1n, 2n, 3n, 4n]);
    expect(seen.gemms[0]?.numbers).toEqual([2, 3, 4, 0, 1, 4, 4, 3, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });
});
