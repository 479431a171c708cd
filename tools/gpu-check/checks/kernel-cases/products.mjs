// Kernel cases (kernels-check.mjs): products (transposes, batches, the bias/relu epilogues) in fp32
// and under bf16 autocast.
import { models } from '../../lib/deps.mjs';
import { hostInput, ODD, pick, rng, roundBf16 } from './inputs.mjs';

/** Adds the cases through `add(name, inputs, run, options)`; `draws` sets the bf16 draws. */
export function productCases(add, draws) {
  // Products: transposes, batches, batch broadcasting, odd sizes, the bias/relu epilogues.
  for (const [aShape, bShape, transA, transB] of [
    [[33, 65], [65, 17], false, false],
    [[65, 33], [65, 17], true, false],
    [[33, 65], [17, 65], false, true],
    [[65, 33], [17, 65], true, true],
    [[1, 768], [768, 9], false, false],
    [[129, 768], [3072, 768], false, true],
    [[3, 7, 5], [3, 5, 11], false, false],
    [[24, 33, 64], [24, 33, 64], false, true],
    [[24, 33, 33], [24, 33, 64], false, false],
    [[2, 12, 33, 64], [2, 12, 64, 33], false, false],
    [[5, 7, 3], [1, 3, 4], false, false],
    [[1, 7, 3], [6, 3, 4], false, false],
    [[4, 5, 7, 3], [5, 3, 2], false, false],
  ]) {
    add(
      `matMul [${aShape}]${transA ? 'T' : ''} @ [${bShape}]${transB ? 'T' : ''}`,
      [hostInput(aShape, 'uniform', 241, { scale: 1 }), hostInput(bShape, 'uniform', 242, { scale: 1 })],
      (t, a, b) => t.matMul(a, b, transA, transB),
    );
  }
  for (const [m, k, n, activation] of [
    [33, 65, 17, 'linear'],
    [129, 768, 3072, 'linear'],
    [7, 64, 9, 'relu'],
  ]) {
    add(
      `fused matMul [${m},${k}] @ [${n},${k}]T + bias, ${activation}`,
      [
        hostInput([m, k], 'uniform', 251, { scale: 1 }),
        hostInput([n, k], 'uniform', 252, { scale: 1 }),
        hostInput([n], 'uniform', 253),
      ],
      (t, a, b, bias) => t.fused.matMul({ a, b, transposeB: true, bias, activation }),
    );
  }

  // bf16 autocast (@ner/models' withAutocast on cuda): both operands rounded to bfloat16 (nearest
  // even), fp32 accumulation. The cpu reference multiplies the operands rounded on the host the same
  // way (exact products, fp32 sums), so only the summation order differs; an fp32 product (autocast
  // not applied) would be ~1e-3 away and fail. Seeded random shapes, transposes and batches, plus
  // the fused bias/relu epilogue.
  const bf16Tensor = (t, x) => t.tensor(roundBf16(x.dataSync()), x.shape);
  const underBf16 =
    (fn) =>
    (t, ...xs) =>
      models.withAutocast('bf16', () => fn(t, ...xs));
  for (let d = 0; d < Math.max(draws, 1) * 2; d++) {
    const r = rng(900 + d);
    const [m, k, n] = [pick(r, ODD), pick(r, [...ODD, 768]), pick(r, ODD)];
    const [transA, transB] = [r() < 0.5, r() < 0.5];
    const batch = d % 3 === 0 ? [] : d % 3 === 1 ? [pick(r, [2, 3, 12])] : [2, pick(r, [1, 3])];
    const bBatch = d % 3 === 2 ? [1, batch[1]] : batch;
    const aShape = [...batch, ...(transA ? [k, m] : [m, k])];
    const bShape = [...bBatch, ...(transB ? [n, k] : [k, n])];
    add(
      `bf16 autocast matMul [${aShape}]${transA ? 'T' : ''} @ [${bShape}]${transB ? 'T' : ''}`,
      [
        hostInput(aShape, 'uniform', 910 + d, { scale: 1 }),
        hostInput(bShape, 'uniform', 930 + d, { scale: 1 }),
      ],
      underBf16((t, a, b) => t.matMul(a, b, transA, transB)),
      { reference: (t, a, b) => t.matMul(bf16Tensor(t, a), bf16Tensor(t, b), transA, transB) },
    );
  }
  for (const [m, k, n, activation] of [
    [129, 768, 3072, 'linear'],
    [33, 65, 17, 'relu'],
  ]) {
    add(
      `bf16 autocast fused matMul [${m},${k}] @ [${n},${k}]T + bias, ${activation}`,
      [
        hostInput([m, k], 'uniform', 951, { scale: 1 }),
        hostInput([n, k], 'uniform', 952, { scale: 1 }),
        hostInput([n], 'uniform', 953),
      ],
      underBf16((t, a, b, bias) => t.fused.matMul({ a, b, transposeB: true, bias, activation })),
      {
        reference: (t, a, b, bias) =>
          t.fused.matMul({ a: bf16Tensor(t, a), b: bf16Tensor(t, b), transposeB: true, bias, activation }),
      },
    );
  }
}
