/**
 * Which product precisions had their bias / relu epilogue refused by cuBLASLt. The epilogue saves
 * a launch and a pass over the output per linear layer, but its support depends on the library
 * version and the type combination (a float32 bias on bf16 operands is one such case): when the
 * heuristic finds no algorithm for a fused product, `matMul` retries without the epilogue, adds
 * the bias and applies relu with its own kernels, and leaves the epilogue off for that precision
 * from then on. The result is the same sum, rounded once more where the bias is added.
 */

/** The precision a product runs at, which decides what cuBLASLt supports. */
export type GemmPrecision = 'fp32' | 'tf32' | 'bf16';

const refused = new Map<GemmPrecision, string>();

/** True once cuBLASLt refused a fused product at `precision`. */
export function epilogueRefused(precision: GemmPrecision): boolean {
  return refused.has(precision);
}

/** Notes that cuBLASLt had no algorithm for a fused product at `precision` (first reason kept). */
export function refuseEpilogue(precision: GemmPrecision, why: string): void {
  if (refused.has(precision)) return;
  refused.set(precision, why);
  if (process.env.NER_CUDA_LOG_FALLBACKS === '1') {
    console.warn(`[@ner/tfjs-backend-cuda] ${precision} products run without their bias epilogue: ${why}`);
  }
}

/** Whether `error` is the addon's "no algorithm for this product" (or the heuristic's own failure). */
export function isHeuristicRefusal(error: unknown): boolean {
  return error instanceof Error && error.message.includes('cublasLtMatmulAlgoGetHeuristic');
}

/**
 * The precisions whose products now run without the bias / relu epilogue, each with the error
 * cuBLASLt gave (empty when every fused product found an algorithm).
 */
export function getRefusedGemmEpilogues(): Record<string, string> {
  return Object.fromEntries(refused);
}

/** Forgets the refusals (tests; a new device may support what the last did not). */
export function resetRefusedGemmEpilogues(): void {
  refused.clear();
}
