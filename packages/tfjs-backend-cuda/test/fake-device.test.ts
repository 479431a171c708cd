// The fake device: implements every KERNEL_ABI entry, checks launches and memory accesses strictly.
import { describe, expect, it } from 'vitest';
import { CudaAbiError, CudaMemoryAccessError } from '../src/errors.js';
import { FakeCudaDevice } from '../src/fake/fake-device.js';
import { FAKE_KERNELS } from '../src/fake/fake-kernels.js';
import { erf, philox4x32 } from '../src/fake/math.js';
import { KERNEL_ABI } from '../src/kernel-abi.js';

const GRID = [1, 1, 1] as const;
const BLOCK = [32, 1, 1] as const;

function floats(device: FakeCudaDevice, values: number[]) {
  const ptr = device.malloc(Math.max(values.length, 1) * 4);
  device.upload(ptr, new Float32Array(values));
  return ptr;
}

function read(device: FakeCudaDevice, ptr: bigint, count: number) {
  const out = new Float32Array(count);
  device.download(out, ptr);
  return [...out];
}

describe('FakeCudaDevice', () => {
  it('implements every KERNEL_ABI entry and nothing else', () => {
    expect(Object.keys(FAKE_KERNELS).sort()).toEqual(Object.keys(KERNEL_ABI).sort());
  });

  it('rejects a kernel the ABI does not list', () => {
    const device = new FakeCudaDevice({ capacityBytes: 1 << 16 });
    expect(() => device.launch('ner_nope', GRID, BLOCK, 0, [])).toThrow(CudaAbiError);
  });

  it('rejects a wrong argument count, naming the ABI parameters', () => {
    const device = new FakeCudaDevice({ capacityBytes: 1 << 16 });
    const x = floats(device, [1]);
    expect(() => device.launch('ner_gelu_erf_f32', GRID, BLOCK, 0, [{ ptr: x }, { ptr: x }])).toThrow(
      /2 arguments, the ABI lists 3 \(ptr, ptr, i32\)/,
    );
  });

  it('rejects an argument of the wrong kind', () => {
    const device = new FakeCudaDevice({ capacityBytes: 1 << 16 });
    const x = floats(device, [1]);
    expect(() =>
      device.launch('ner_gelu_erf_f32', GRID, BLOCK, 0, [{ ptr: x }, { ptr: x }, { f32: 1 }]),
    ).toThrow(/argument 2 .* wants i32/);
    expect(() =>
      device.launch('ner_gelu_erf_f32', GRID, BLOCK, 0, [{ ptr: x }, { i32: 0 }, { i32: 1 }]),
    ).toThrow(/argument 1 .* wants ptr/);
  });

  it('rejects empty grids and blocks over 1024 threads', () => {
    const device = new FakeCudaDevice({ capacityBytes: 1 << 16 });
    const x = floats(device, [1]);
    const args = [{ ptr: x }, { ptr: x }, { i32: 1 }];
    expect(() => device.launch('ner_gelu_erf_f32', [0, 1, 1], BLOCK, 0, args)).toThrow(CudaAbiError);
    expect(() => device.launch('ner_gelu_erf_f32', GRID, [2048, 1, 1], 0, args)).toThrow(CudaAbiError);
  });

  it('throws on reads and writes past an allocation', () => {
    const device = new FakeCudaDevice({ capacityBytes: 1 << 16 });
    const x = floats(device, [1, 2, 3, 4]);
    const y = device.malloc(4 * 4);
    // 300 elements do not fit a 256-byte block.
    expect(() =>
      device.launch('ner_gelu_erf_f32', GRID, BLOCK, 0, [{ ptr: x }, { ptr: y }, { i32: 300 }]),
    ).toThrow(CudaMemoryAccessError);
    expect(() => device.upload(y + 1024n, new Float32Array(1))).toThrow(CudaMemoryAccessError);
    device.free(y);
    expect(() => device.download(new Float32Array(1), y)).toThrow(/outside every live allocation/);
    expect(() => device.free(y)).toThrow(/not allocated/);
  });

  it('counts launches, bytes and syncs', () => {
    const device = new FakeCudaDevice({ capacityBytes: 1 << 16 });
    const x = floats(device, [-1, 0, 1]);
    const y = device.malloc(12);
    device.launch('ner_gelu_erf_f32', GRID, BLOCK, 0, [{ ptr: x }, { ptr: y }, { i32: 3 }]);
    device.copy(x, y, 12);
    const values = read(device, x, 3);
    expect(values[0]).toBeCloseTo(-0.15865525, 6);
    expect(values[1]).toBe(0);
    expect(values[2]).toBeCloseTo(0.84134475, 6);
    expect(device.counters).toMatchObject({
      launches: { ner_gelu_erf_f32: 1 },
      mallocs: 2,
      bytesUploaded: 12,
      bytesCopied: 12,
      bytesDownloaded: 12,
      syncs: 1,
    });
  });

  it('runKernel runs checked launches in place of the JS kernels, on the heap, and counts them', () => {
    const calls: string[] = [];
    const device = new FakeCudaDevice({
      capacityBytes: 1 << 16,
      runKernel: (kernel, heap, args, grid, block) => {
        // Pointers are byte offsets into the heap: write 7 where the output points.
        new Float32Array(heap, Number((args[1] as { ptr: bigint }).ptr), 1)[0] = 7;
        calls.push(`${kernel} ${grid[0]}x${block[0]} ${args.length}`);
      },
    });
    const x = floats(device, [1]);
    const y = floats(device, [0]);
    device.launch('ner_gelu_erf_f32', GRID, BLOCK, 0, [{ ptr: x }, { ptr: y }, { i32: 1 }]);
    expect(read(device, y, 1)).toEqual([7]);
    expect(() => device.launch('ner_gelu_erf_f32', GRID, BLOCK, 0, [{ ptr: x }, { i32: 1 }])).toThrow(
      CudaAbiError,
    );
    expect(calls).toEqual(['ner_gelu_erf_f32 1x32 3']);
    expect(device.counters.launches).toEqual({ ner_gelu_erf_f32: 1 });
  });

  it('runGemm runs checked products in place of the float64 loop, and counts them', () => {
    const seen: string[] = [];
    const device = new FakeCudaDevice({
      capacityBytes: 1 << 16,
      runGemm: (desc, heap) => {
        new Float32Array(heap, Number(desc.c), 1)[0] = 42;
        seen.push(`${desc.m}x${desc.n}x${desc.k}`);
      },
    });
    const a = floats(device, [1, 2]);
    const b = floats(device, [3, 4]);
    const c = floats(device, [0]);
    const desc = { a, b, c, m: 1, n: 1, k: 2, transA: false, transB: false, lda: 2, ldb: 1, ldc: 1 };
    const rest = { batch: 1, strideA: 0, strideB: 0, strideC: 0, alpha: 1, beta: 0, tf32: false };
    device.gemm({ ...desc, ...rest });
    expect(read(device, c, 1)).toEqual([42]);
    // A descriptor the checks refuse never reaches runGemm.
    expect(() => device.gemm({ ...desc, ...rest, lda: 1 })).toThrow(CudaAbiError);
    expect(seen).toEqual(['1x1x2']);
    expect(device.counters.launches).toEqual({ gemm: 1 });
  });

  it('runs out of memory like cuMemAlloc and reuses freed ranges', () => {
    const device = new FakeCudaDevice({ capacityBytes: 4096 });
    const a = device.malloc(2048);
    expect(() => device.malloc(2048)).toThrow(/OUT_OF_MEMORY/);
    device.free(a);
    expect(device.malloc(3072)).toBe(a);
  });

  it('gemm handles transposes, batch strides, bias and relu', () => {
    const device = new FakeCudaDevice({ capacityBytes: 1 << 16 });
    // A^T stored as [k=2, m=2], B [k=2, n=2].
    const a = floats(device, [1, 3, 2, 4]);
    const b = floats(device, [5, 6, 7, 8]);
    const bias = floats(device, [-100, 1]);
    const c = device.malloc(16);
    device.gemm({
      a,
      b,
      c,
      m: 2,
      n: 2,
      k: 2,
      transA: true,
      transB: false,
      lda: 2,
      ldb: 2,
      ldc: 2,
      batch: 1,
      strideA: 0,
      strideB: 0,
      strideC: 0,
      alpha: 1,
      beta: 0,
      bias,
      activation: 'relu',
      tf32: false,
    });
    // [[1,2],[3,4]] @ [[5,6],[7,8]] = [[19,22],[43,50]], + bias, relu.
    expect(read(device, c, 4)).toEqual([0, 23, 0, 51]);
  });

  it('erf matches known values', () => {
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 12);
    expect(erf(-2)).toBeCloseTo(-0.9953222650189527, 12);
    expect(erf(3.5)).toBeCloseTo(0.9999992569016276, 12);
  });

  it('Philox4x32-10 gives the Random123 known-answer vectors', () => {
    const hex = (words: number[]) => words.map((w) => w.toString(16).padStart(8, '0'));
    expect(hex(philox4x32([0, 0, 0, 0], 0, 0))).toEqual(['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']);
    expect(hex(philox4x32([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], 0xffffffff, 0xffffffff))).toEqual(
      ['408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd'],
    );
  });
});
