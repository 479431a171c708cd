#!/usr/bin/env node
// Bundles the GPU check's scripts for tools/gpu-check/pack.sh: esbuild (the one tsup brings) with
// code splitting, so tfjs-core, the cpu backend and the @ner packages are one shared copy in a few
// chunk files, and the GPU machine needs no node_modules. Output, laid out like the
// @ner/tfjs-backend-cuda package so its `import.meta.url`-relative paths hold inside the bundles
// (dist/ -> ../build/Release/*.node, ../build/*.fatbin, ../src/cu/*.cu):
//
//   <out>/package.json              {"type": "module"}
//   <out>/dist/<entry>.js           probe, kernels-check, device-kernels, oracle-check, train-parity, nccl-check, cuda-gemm, cuda-bert-step,
//                                   cuda-pipeline, conll2003-trainer, conll2003-accelerate (+ addon when the package has one)
//   <out>/dist/chunk-*.js           shared code
//   <out>/node_modules/<name>/      shims for the packages @ner/models' initBackend imports by name
//
//   node tools/gpu-check/bundle.mjs <out>      (prints one JSON line: what was bundled, sizes, notes)
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { shimSource } from './lib/module-shims.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
const out = resolve(process.argv[2] ?? join(here, 'payload', 'cuda'));
const require = createRequire(join(repoRoot, 'package.json'));
const esbuild = createRequire(require.resolve('tsup'))('esbuild');

const cudaDist = join(repoRoot, 'packages', 'tfjs-backend-cuda', 'dist');
const notes = [];

/** Where '@ner/tfjs-backend-cuda' and '/addon' come from: the built dist/, or a "not built" stub. */
function cudaTarget(sub) {
  const file = join(cudaDist, sub === 'addon' ? 'addon.js' : 'index.js');
  if (existsSync(file)) return { path: file };
  const reason = `not built: packages/tfjs-backend-cuda/dist/${sub === 'addon' ? 'addon.js' : 'index.js'} was missing when the payload was packed`;
  notes.push(reason);
  return { path: `cuda-not-built:${sub}`, namespace: 'ner-not-built', pluginData: reason };
}

const gpuCheckPlugin = {
  name: 'ner-gpu-check',
  setup(build) {
    // The scripts import lib/deps.mjs (dynamic, path-based loading for the repo); bundles get the
    // static twin.
    build.onResolve({ filter: /(^|\/)deps\.mjs$/ }, (args) => {
      const target = resolve(args.resolveDir, args.path);
      if (target === join(here, 'lib', 'deps.mjs')) return { path: join(here, 'lib', 'deps-bundled.mjs') };
      return undefined;
    });
    build.onResolve({ filter: /^@ner\/tfjs-backend-cuda(\/addon)?$/ }, (args) =>
      cudaTarget(args.path.endsWith('/addon') ? 'addon' : 'index'),
    );
    build.onLoad({ filter: /.*/, namespace: 'ner-not-built' }, (args) => ({
      contents: `export const __gpuCheckNotBuilt = ${JSON.stringify(args.pluginData)};`,
      loader: 'js',
    }));
  },
};

const entryPoints = {
  probe: join(here, 'checks', 'probe.mjs'),
  'kernels-check': join(here, 'checks', 'kernels-check.mjs'),
  // Every KERNEL_ABI kernel and cuBLASLt product variant launched directly, against the fake device.
  'device-kernels': join(repoRoot, 'packages', 'tfjs-backend-cuda', 'scripts', 'gpu-kernel-check.mjs'),
  'oracle-check': join(here, 'checks', 'oracle-check.mjs'),
  'train-parity': join(here, 'checks', 'train-parity.mjs'),
  'nccl-check': join(here, 'checks', 'nccl-check.mjs'),
  'cuda-gemm': join(repoRoot, 'tools', 'bench', 'cuda-gemm.mjs'),
  'cuda-bert-step': join(repoRoot, 'tools', 'bench', 'cuda-bert-step.mjs'),
  'cuda-pipeline': join(repoRoot, 'tools', 'bench', 'cuda-pipeline.mjs'),
  'conll2003-trainer': join(here, 'checks', 'trainer-main.mjs'),
  'conll2003-accelerate': join(here, 'checks', 'accelerate-main.mjs'),
};
// The package may import its addon loader with a non-literal specifier; then it must exist beside
// the chunks under its own name.
if (existsSync(join(cudaDist, 'addon.js'))) entryPoints.addon = join(cudaDist, 'addon.js');

rmSync(join(out, 'dist'), { recursive: true, force: true });
rmSync(join(out, 'node_modules'), { recursive: true, force: true });
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'package.json'), `${JSON.stringify({ type: 'module', private: true }, null, 2)}\n`);

const result = await esbuild.build({
  entryPoints,
  outdir: join(out, 'dist'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunk-[hash]',
  // Whitespace and syntax only: names stay readable in the stack traces the report records.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  // Every module a script imports is evaluated, as Node would: package.json "sideEffects" lists must
  // not drop a bare `import '@tensorflow/tfjs-backend-cpu'` (it registers the cpu backend).
  ignoreAnnotations: true,
  external: ['*.node'],
  nodePaths: [
    join(repoRoot, 'packages', 'models', 'node_modules'),
    join(repoRoot, 'packages', 'trainer', 'node_modules'),
    join(repoRoot, 'packages', 'pipeline', 'node_modules'),
    join(repoRoot, 'packages', 'tfjs-backend-cuda', 'node_modules'),
    join(repoRoot, 'examples', 'conll2003-trainer', 'node_modules'),
    join(repoRoot, 'examples', 'conll2003-accelerate', 'node_modules'),
  ],
  // CommonJS code inside an ESM bundle calls require() for Node built-ins.
  banner: {
    js: "import { createRequire as __nerCreateRequire } from 'node:module'; const require = __nerCreateRequire(import.meta.url);",
  },
  plugins: [gpuCheckPlugin],
  metafile: true,
  logLevel: 'warning',
});

// Shims for initBackend's `import(name)`: the module a bundle registered (module-shims.mjs).
const shimmed = {};
const modelsRequire = createRequire(join(repoRoot, 'packages', 'models', 'package.json'));
const shimTargets = { '@tensorflow/tfjs-backend-cpu': modelsRequire.resolve('@tensorflow/tfjs-backend-cpu') };
if (existsSync(join(cudaDist, 'index.js')))
  shimTargets['@ner/tfjs-backend-cuda'] = join(cudaDist, 'index.js');
for (const [name, file] of Object.entries(shimTargets)) {
  // The export names, from a throwaway bundle's metafile (no module is run to learn them).
  const probe = await esbuild.build({
    entryPoints: [file],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    metafile: true,
    external: ['*.node'],
    nodePaths: [join(repoRoot, 'packages', 'models', 'node_modules')],
    logLevel: 'silent',
    outdir: '/tmp/ner-gpu-check-shim-probe',
  });
  const exportsOf = Object.values(probe.metafile.outputs).find((o) => o.entryPoint)?.exports ?? [];
  const dir = join(out, 'node_modules', ...name.split('/'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name, type: 'module', main: 'index.js', private: true }, null, 2)}\n`,
  );
  writeFileSync(join(dir, 'index.js'), shimSource(name, exportsOf));
  shimmed[name] = exportsOf.length;
}

const files = readdirSync(join(out, 'dist'));
const bytes = files.reduce((sum, f) => sum + statSync(join(out, 'dist', f)).size, 0);
// tfjs-core must be in the bundles once: two copies would not share registered backends.
const coreCopies = new Set(
  Object.keys(result.metafile.inputs)
    .filter((p) => /@tensorflow\/tfjs-core\/dist\//.test(p))
    .map((p) => p.slice(0, p.indexOf('/dist/'))),
);
if (coreCopies.size !== 1)
  notes.push(`tfjs-core appears ${coreCopies.size} times in the bundles: ${[...coreCopies].join(', ')}`);
console.log(
  JSON.stringify({
    out: relative(repoRoot, out),
    entries: Object.keys(entryPoints),
    files: files.length,
    bytes,
    shims: shimmed,
    cudaBuilt: existsSync(join(cudaDist, 'index.js')),
    cudaAddonLoader: existsSync(join(cudaDist, 'addon.js')),
    warnings: result.warnings.length,
    notes,
    urlOfFirstEntry: pathToFileURL(join(out, 'dist', 'probe.js')).href,
  }),
);
