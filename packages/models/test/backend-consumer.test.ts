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
