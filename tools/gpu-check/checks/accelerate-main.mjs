// Bundle entry (pack.sh) for the `accelerate` step of the GPU check: examples/conll2003-accelerate
// as it is (one process: the Accelerator's custom training loop on one GPU), after
// trainer-preload.mjs. esbuild keeps the import order, so the preload runs first. Only meaningful
// bundled (main.ts is TypeScript); in the repo run the example itself:
//   cd examples/conll2003-accelerate && NER_BACKEND=cuda npx tsx src/main.ts
import './trainer-preload.mjs';
import '../../../examples/conll2003-accelerate/src/main.ts';
