// Runs the README's example script as written: alone, and on 2 processes under launch().
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadGloo } from '../src/backends/gloo-addon.js';
import { launch } from '../src/index.js';
import { makeTempDir, removeTempDirs } from './temp-dirs.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
// Inside the package folder, so `import '@ner/accelerate'` resolves to this package (self-reference).
const script = join(packageDir, `.readme-train-${process.pid}.mjs`);

beforeAll(() => {
  if (!existsSync(join(packageDir, 'dist', 'index.js'))) {
    throw new Error(
      'The README example runs the built package: run `npx tsup` in packages/accelerate first.',
    );
  }
  const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
  const block = /```js\n(\/\/ train\.mjs[\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('README.md has no ```js block starting with // train.mjs');
  writeFileSync(script, block[1]!);
});
afterEach(removeTempDirs);
afterAll(() => rmSync(script, { force: true }));

describe('README example', () => {
  it('runs alone', () => {
    const out = join(makeTempDir('ner-readme-'), 'state');
    const result = spawnSync(process.execPath, [script, out], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/epoch 1 loss \d\.\d{4}/);
    expect(existsSync(join(out, 'model.safetensors'))).toBe(true);
  });

  it.skipIf(!loadGloo().available)('runs on 2 processes, printing once per step from rank 0', async () => {
    const out = join(makeTempDir('ner-readme-'), 'state');
    const { stdout } = await launch({ nprocPerNode: 2, script, args: [out], stdio: 'pipe' });
    // 32 rows, batch 4 per process: 4 steps per epoch, 2 epochs, printed by rank 0 only.
    expect(stdout[0]!.match(/epoch \d loss/g)).toHaveLength(8);
    expect(stdout[1]).toBe('');
    expect(existsSync(join(out, 'model.safetensors'))).toBe(true);
  });
});
