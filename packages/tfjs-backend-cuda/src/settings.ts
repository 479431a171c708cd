/**
 * User switches of the backend. TF32 products are off unless asked for, as PyTorch's
 * `torch.backends.cuda.matmul.allow_tf32` (False by default since 1.12): TF32 keeps 10 mantissa
 * bits of each input, so products differ from float32 at about 1e-3 relative.
 */
let allowTf32 = process.env.NER_CUDA_ALLOW_TF32 === '1';

/** Lets `MatMul` / `BatchMatMul` / `_FusedMatMul` use TF32 tensor cores (or stops them). */
export function setAllowTf32(allow: boolean): void {
  allowTf32 = allow;
}

/** Whether products may use TF32 (`NER_CUDA_ALLOW_TF32=1` or {@link setAllowTf32}). */
export function getAllowTf32(): boolean {
  return allowTf32;
}
