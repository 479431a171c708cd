// initBackend as an application sees it, in npm's flat layout: @ner/models copied into the
// application's node_modules beside only its own dependencies (no native addon package), with or
// without @tensorflow/tfjs-backend-wasm. Each case runs in its own Node process (the backend
// choice and the cpu banner are per process) and checks the one line.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const realPackageDir = (name: string) => realpathSync(dirname(require.resolve(`${name}/package.json`)));

/** Links node_modules/<name> in `folder` to `target`. */
function link(folder: string, name: string, target: string): void {
  const path = join(folder, 'node_modules', name);
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path, 'dir');
}

describe('initBackend in an application without the native addon package', () => {
  let root = '';
  beforeAll(() => {
    if (!existsSync(join(packageRoot, 'dist', 'index.js'))) {
      throw new Error(
        'packages/models/dist is missing: build @ner/models first (pnpm --filter @ner/models build)',
      );
    }
    root = mkdtempSync(join(tmpdir(), 'ner-models-consumer-'));
    for (const app of ['with-wasm', 'without-wasm']) {
      const folder = join(root, app);
      const models = join(folder, 'node_modules', '@ner', 'models');
      mkdirSync(models, { recursive: true });
      writeFileSync(
        join(folder, 'package.json'),
        '{ "name": "consumer", "private": true, "type": "module" }\n',
      );
      cpSync(join(packageRoot, 'dist'), join(models, 'dist'), { recursive: true });
      cpSync(join(packageRoot, 'package.json'), join(models, 'package.json'));
      link(folder, '@ner/hub', realPackageDir('@ner/hub'));
      link(folder, '@tensorflow/tfjs-core', realPackageDir('@tensorflow/tfjs-core'));
      link(folder, '@tensorflow/tfjs-backend-cpu', realPackageDir('@tensorflow/tfjs-backend-cpu'));
    }
    link(
      join(root, 'with-wasm'),
      '@tensorflow/tfjs-backend-wasm',
      realPackageDir('@tensorflow/tfjs-backend-wasm'),
    );
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  /** Runs initBackend and one op in `app`; returns stderr and the choice. */
  function run(app: string): { stderr: string; choice: string } {
    const script = `
      const { initBackend } = await import('@ner/models');
      const tf = await import('@tensorflow/tfjs-core');
      const info = await initBackend({ env: {} });
      tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).dataSync();
      console.log(JSON.stringify({ choice: info.choice }));`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: join(root, app),
      env: { ...process.env, NER_BACKEND: '' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status, result.stderr).toBe(0);
    return {
      stderr: result.stderr,
      choice: JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}').choice,
    };
  }

  it('takes wasm when it is installed, and says the native package is missing', () => {
    const { stderr, choice } = run('with-wasm');
    expect(choice).toBe('wasm');
    expect(stderr.trim()).toBe(
      '[@ner/models] TensorFlow.js backend: wasm (@ner/tfjs-backend-native not installed)',
    );
  });

  it('falls back to cpu only without wasm, says how to get wasm, and prints no tfjs banner', () => {
    const { stderr, choice } = run('without-wasm');
    expect(choice).toBe('cpu');
    expect(stderr.trim()).toBe(
      '[@ner/models] TensorFlow.js backend: cpu (@ner/tfjs-backend-native not installed; wasm not installed: add @tensorflow/tfjs-backend-wasm@4.22.0 for a ~3x faster fallback)',
    );
    expect(stderr).not.toMatch(/Hi, looks like you are running TensorFlow\.js in Node\.js/);
  });
});

// pnpm's isolated layout: @ner/models lives in a store folder beside only its own dependencies and
// is linked into the application, which installed backend packages itself. Imported from
// @ner/models' real folder they are not found; initBackend finds them from the application.
describe('initBackend in an isolated layout, with backends only the application installed', () => {
  let root = '';
  let store = '';

  /** A package in `app`'s node_modules with `index.js` as its ESM entry. */
  function fakePackage(app: string, name: string, index: string): void {
    const folder = join(app, 'node_modules', name);
    mkdirSync(join(folder, 'dist'), { recursive: true });
    writeFileSync(
      join(folder, 'package.json'),
      JSON.stringify({
        name,
        type: 'module',
        exports: { '.': { import: './dist/index.js', require: './dist/index.cjs' } },
      }),
    );
    writeFileSync(join(folder, 'dist', 'index.cjs'), 'module.exports = {};\n');
    writeFileSync(join(folder, 'dist', 'index.js'), index);
  }

  /** An application with a stand-in native backend and, when `cuda` is given, an unavailable cuda. */
  function makeApp(name: string, cuda?: { reason: string; noDriver: boolean }): string {
    const app = join(root, name);
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, 'package.json'), '{ "name": "consumer", "private": true, "type": "module" }\n');
    link(app, '@ner/models', join(store, 'node_modules', '@ner', 'models'));
    link(app, '@tensorflow/tfjs-core', realPackageDir('@tensorflow/tfjs-core'));
    link(app, '@tensorflow/tfjs-backend-cpu', realPackageDir('@tensorflow/tfjs-backend-cpu'));
    // A stand-in for @ner/tfjs-backend-native: the cpu kernels under the name "native".
    fakePackage(
      app,
      '@ner/tfjs-backend-native',
      `import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
for (const kernel of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...kernel, backendName: 'native' });
tf.registerBackend('native', () => {
  const backend = new MathBackendCPU();
  backend.firstUse = false; // no tfjs-node banner from the stand-in
  return backend;
});
export function nativeBackendInfo() {
  return { available: true, reason: null, summary: 'stand-in from the application' };
}
`,
    );
    if (cuda !== undefined) {
      fakePackage(
        app,
        '@ner/tfjs-backend-cuda',
        `export const cudaReady = Promise.resolve(${JSON.stringify({ available: false, ...cuda })});\n`,
      );
    }
    return app;
  }

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'ner-models-isolated-'));
    store = join(root, '.store');
    const models = join(store, 'node_modules', '@ner', 'models');
    mkdirSync(models, { recursive: true });
    cpSync(join(packageRoot, 'dist'), join(models, 'dist'), { recursive: true });
    cpSync(join(packageRoot, 'package.json'), join(models, 'package.json'));
    for (const name of ['@ner/hub', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu']) {
      link(store, name, realPackageDir(name));
    }
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  /** Runs initBackend and one op from a main script in `app` (or as `node -e` with `app` as cwd). */
  function run(
    app: string,
    how: 'script' | 'eval' = 'script',
  ): { stderr: string; choice: string; skipped: string[] } {
    const script = `
      const { initBackend } = await import('@ner/models');
      const tf = await import('@tensorflow/tfjs-core');
      const info = await initBackend({ env: {} });
      tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).dataSync();
      console.log(JSON.stringify({ choice: info.choice, skipped: info.skipped }));`;
    writeFileSync(join(app, 'main.mjs'), script);
    const args = how === 'script' ? ['main.mjs'] : ['--input-type=module', '-e', script];
    const result = spawnSync(process.execPath, args, {
      cwd: app,
      env: { ...process.env, NER_BACKEND: '' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status, result.stderr).toBe(0);
    return { stderr: result.stderr.trim(), ...JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') };
  }

  it('loads the backend from the application and says so on the one line', () => {
    const { stderr, choice, skipped } = run(makeApp('native-only'));
    expect(choice).toBe('native');
    // Neither @ner/models' own folder nor the application has a cuda package.
    expect(skipped).toEqual([
      expect.stringMatching(/^cuda: not installed/),
      expect.stringMatching(/^tfjs-node-gpu: not installed/),
      expect.stringMatching(/^tfjs-node: not installed/),
    ]);
    expect(stderr).toBe('[@ner/models] TensorFlow.js backend: native (stand-in from the application)');
  });

  it("loads nothing from the working directory's node_modules (a folder the command only runs in)", () => {
    const { choice, skipped } = run(makeApp('cwd-only'), 'eval');
    expect(choice).toBe('cpu');
    expect(skipped).toContainEqual(expect.stringMatching(/^native: not installed/));
  });

  it('says nothing of an installed cuda package on a machine without an NVIDIA driver', () => {
    const reason =
      'no NVIDIA driver: libcuda.so.1 not found (searched: the system loader (ld.so), /usr/local/cuda/lib64)';
    const { stderr, choice, skipped } = run(makeApp('no-driver', { reason, noDriver: true }));
    expect(choice).toBe('native');
    expect(skipped[0]).toBe(`cuda: ${reason}`);
    expect(stderr).toBe('[@ner/models] TensorFlow.js backend: native (stand-in from the application)');
  });

  it('says why cuda is unavailable where a driver is there, without the folders searched', () => {
    const reason = 'cuBLASLt not found (searched: NER_CUDA_LIB_DIR (unset), the system loader)';
    const { stderr, skipped } = run(makeApp('no-cublas', { reason, noDriver: false }));
    expect(skipped[0]).toBe(`cuda: ${reason}`);
    expect(stderr).toBe(
      '[@ner/models] TensorFlow.js backend: native (stand-in from the application; cuda unavailable: cuBLASLt not found)',
    );
  });
});
