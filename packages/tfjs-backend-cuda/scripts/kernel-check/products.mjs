// gpu-kernel-check.mjs's checks of bias add, the bf16 autocast cast (exact bits), and cuBLASLt products against the fake
// device's float64 loop: transposes, padded leading dimensions, batches, bias and relu epilogues,
// TF32 and bf16 operands.
import { denseLeadingDims } from '../../dist/index.js';
import { N } from './harness.mjs';

/** Runs the checks through the harness `h` (./harness.mjs), in the order the report lists them. */
export function productChecks(h) {
  const { gpu, fake, report, reseed, randF, grid1d, compare, check, bufs } = h;
  check(
    {
      kernel: 'ner_bias_add_f32',
      buffers: { x: randF(37 * 100), bias: randF(100), y: { f32: 3700 } },
      args: [...bufs('x', 'bias', 'y'), { i32: 37 }, { i32: 100 }],
      grid: grid1d(3700),
      outputs: ['y'],
    },
    0,
    0,
  );

  // The bf16 autocast cast: exact bits (16-bit outputs read back as packed 32-bit words), on
  // random values, every tie position, NaN payloads (quiet, sign kept), Inf and overflow.
  {
    const special = new Uint32Array([
      0x3f808000, 0x3f818000, 0x3f808001, 0x3f807fff, 0xbf818000, 0x7f7fffff, 0xff7fffff, 0x7f800000,
      0xff800000, 0x7fc00000, 0x7f800001, 0xff800001, 0x7fbfffff, 0x00000001, 0x00018000, 0x80000000,
    ]);
    const ties = Uint32Array.from({ length: 4096 }, (_, i) => ((i * 0x10001) << 4) | 0x8000);
    const x = new Float32Array([
      ...randF(N, -3e4, 3e4),
      ...new Float32Array(special.buffer),
      ...new Float32Array(ties.buffer),
    ]);
    check(
      {
        kernel: 'ner_cast_f32_bf16',
        buffers: { x, y: { i32: Math.ceil(x.length / 2) } },
        args: [...bufs('x', 'y'), { i32: x.length }],
        grid: grid1d(x.length),
        outputs: ['y'],
      },
      0,
      0,
    );
  }

  /** float32 -> bfloat16 bits, round to nearest even (as ner_cast_f32_bf16 and roundToBf16). */
  function toBf16(values) {
    const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
    return Uint16Array.from(bits, (b) =>
      (b & 0x7fffffff) > 0x7f800000
        ? ((b | 0x400000) >>> 16) & 0xffff
        : ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff,
    );
  }

  // cuBLASLt products against the fake's float64 loop. With `g.bf16`, A and B go up as bfloat16
  // (CUDA_R_16BF layouts, fp32 accumulation, bf16 autocast); the fake multiplies the same values.
  function gemmCase(label, g, tf32) {
    try {
      const results = [fake, gpu].map((device) => {
        const aLen = g.batch * Math.max(g.strideA, 1) + (g.transA ? g.k * g.lda : g.m * g.lda);
        const bLen = g.batch * Math.max(g.strideB, 1) + (g.transB ? g.n * g.ldb : g.k * g.ldb);
        const cLen = g.batch * g.strideC + g.m * g.ldc;
        reseed(777);
        const host = {
          a: randF(aLen, -1, 1),
          b: randF(bLen, -1, 1),
          c: randF(cLen, -1, 1),
          bias: randF(g.n, -1, 1),
        };
        if (g.bf16) Object.assign(host, { a: toBf16(host.a), b: toBf16(host.b) });
        const p = {};
        for (const [k, v] of Object.entries(host)) {
          p[k] = device.malloc(v.byteLength);
          device.upload(p[k], v);
        }
        device.gemm({ ...g, a: p.a, b: p.b, c: p.c, bias: g.withBias ? p.bias : undefined, tf32 });
        const out = new Float32Array(cLen);
        device.download(out, p.c);
        for (const v of Object.values(p)) device.free(v);
        return out;
      });
      compare(
        `gemm ${label}${tf32 ? ' tf32' : ''}${g.bf16 ? ' bf16' : ''}`,
        results[1],
        results[0],
        tf32 && !g.bf16 ? 5e-3 : 1e-4,
        tf32 && !g.bf16 ? 5e-3 : 1e-5,
      );
    } catch (error) {
      report.failures += 1;
      report.checks.push({ name: `gemm ${label}`, ok: false, error: String(error?.message ?? error) });
    }
  }
  const base = { batch: 1, strideA: 0, strideB: 0, strideC: 0, alpha: 1, beta: 0, activation: 'none' };
  for (const [transA, transB] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ]) {
    const [m, n, k] = [67, 45, 131];
    const g = { ...base, m, n, k, transA, transB, ...denseLeadingDims(m, n, k, transA, transB) };
    gemmCase(`${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} 67x45x131`, g, false);
  }
  gemmCase(
    'bias+relu beta=0.5 alpha=2',
    {
      ...base,
      m: 64,
      n: 96,
      k: 80,
      transA: false,
      transB: true,
      lda: 80,
      ldb: 80,
      ldc: 96,
      alpha: 2,
      beta: 0.5,
      withBias: true,
      activation: 'relu',
    },
    false,
  );
  gemmCase(
    'bias',
    { ...base, m: 33, n: 17, k: 9, transA: false, transB: false, lda: 9, ldb: 17, ldc: 17, withBias: true },
    false,
  );
  // 12 products of 31x29x23, strided: odd strides (2-byte offsets for bf16 operands).
  const batched12 = {
    ...base,
    m: 31,
    n: 29,
    k: 23,
    transA: false,
    transB: false,
    lda: 23,
    ldb: 29,
    ldc: 29,
    batch: 12,
    strideA: 31 * 23,
    strideB: 23 * 29,
    strideC: 31 * 29,
  };
  gemmCase('batched 12x(31x29x23)', batched12, false);
  gemmCase(
    'batched, B broadcast (stride 0)',
    {
      ...base,
      m: 31,
      n: 29,
      k: 23,
      transA: false,
      transB: true,
      lda: 23,
      ldb: 23,
      ldc: 29,
      batch: 5,
      strideA: 31 * 23,
      strideB: 0,
      strideC: 31 * 29,
    },
    false,
  );
  gemmCase(
    '256x256x256',
    { ...base, m: 256, n: 256, k: 256, transA: false, transB: false, lda: 256, ldb: 256, ldc: 256 },
    true,
  );
  // bf16 operands (autocast): every transpose, bias+relu, odd batch strides (2-byte aligned
  // batch offsets), and tf32 asked for (ignored under bf16: still fp32 accumulation).
  for (const [transA, transB] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ]) {
    const [m, n, k] = [67, 45, 131];
    const g = { ...base, m, n, k, transA, transB, ...denseLeadingDims(m, n, k, transA, transB), bf16: true };
    gemmCase(`${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} 67x45x131`, g, false);
  }
  gemmCase(
    'bias+relu 64x96x80',
    {
      ...base,
      m: 64,
      n: 96,
      k: 80,
      transA: false,
      transB: true,
      lda: 80,
      ldb: 80,
      ldc: 96,
      withBias: true,
      activation: 'relu',
      bf16: true,
    },
    true,
  );
  gemmCase('batched 12x(31x29x23), odd strides', { ...batched12, bf16: true }, false);
  gemmCase(
    '128x256x768',
    {
      ...base,
      m: 128,
      n: 256,
      k: 768,
      transA: false,
      transB: true,
      lda: 768,
      ldb: 768,
      ldc: 256,
      bf16: true,
    },
    false,
  );
}
