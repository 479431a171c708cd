// Every case of the kernels check (kernels-check.mjs), in the order the report lists them.
import { elementwiseCases } from './elementwise.mjs';
import { fusedCases } from './fused.mjs';
import { gradientCases } from './gradients.mjs';
import { layoutCases } from './layout.mjs';
import { productCases } from './products.mjs';
import { reductionCases } from './reductions.mjs';

/**
 * The cases, `{ name, inputs: host inputs, run(t, ...tensors) => Tensor | Tensor[], reference?(...)
 * on cpu, needsKernel?, noTidy? }`, with `draws` seeded random shapes per op.
 */
export function kernelCases(draws) {
  const cases = [];
  const add = (name, inputs, run, options = {}) => cases.push({ name, inputs, run, ...options });
  for (const addCases of [
    elementwiseCases,
    reductionCases,
    layoutCases,
    productCases,
    gradientCases,
    fusedCases,
  ]) {
    addCases(add, draws);
  }
  return cases;
}
