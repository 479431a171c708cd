// Bundle entry (pack.sh) for step (g) of the GPU check: the main job, examples/conll2003-trainer, as
// it is, after trainer-preload.mjs. esbuild keeps the import order, so the preload runs first.
// Only meaningful bundled (main.ts is TypeScript); in the repo run the example itself:
//   cd examples/conll2003-trainer && NER_BACKEND=cuda npx tsx src/main.ts
import './trainer-preload.mjs';
import '../../../examples/conll2003-trainer/src/main.ts';
