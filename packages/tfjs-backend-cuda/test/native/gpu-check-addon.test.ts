// tools/gpu-check/ensure-addon.sh, the GPU check's first step: the carried addon is kept when it
// loads, and rebuilt from the sources in the tree when it does not (a GPU machine with an older
// glibc or libstdc++ than the one that packed it). Here a file that is not a shared object stands
// in for an addon that machine refuses; the rebuilt addon must load and answer like the built one.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ADDON_PATH } from '../../src/addon.js';

const repo = join(import.meta.dirname, '..', '..', '..', '..');
const script = join(repo, 'tools', 'gpu-check', 'ensure-addon.sh');
const napiDir = join(dirname(dirname(process.execPath)), 'include', 'node');
const haveCompiler =
  spawnSync('g++', ['--version']).status === 0 || spawnSync('c++', ['--version']).status === 0;
const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A payload folder as pack.sh lays it out, with `addon` as the carried ner_cuda.node. */
function payload(addon: Buffer | null): string {
  const dir = mkdtempSync(join(tmpdir(), 'ner-gpu-check-addon-'));
  temps.push(dir);
  mkdirSync(join(dir, 'cuda', 'build', 'Release'), { recursive: true });
  if (addon) writeFileSync(join(dir, 'cuda', 'build', 'Release', 'ner_cuda.node'), addon);
  mkdirSync(join(dir, 'napi-include'));
  for (const h of ['node_api.h', 'node_api_types.h', 'js_native_api.h', 'js_native_api_types.h']) {
    copyFileSync(join(napiDir, h), join(dir, 'napi-include', h));
  }
  return dir;
}

function ensure(
  dir: string,
  env: Record<string, string> = {},
): { rc: number | null; result: Record<string, string> } {
  const out = join(dir, 'addon.json');
  const run = spawnSync('/bin/bash', [script, process.execPath, dir, repo, out], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 170_000,
  });
  if (!existsSync(out)) throw new Error(`no result written: ${run.stdout}${run.stderr}`);
  return { rc: run.status, result: JSON.parse(readFileSync(out, 'utf8')) };
}

describe.runIf(existsSync(ADDON_PATH) && existsSync(join(napiDir, 'node_api.h')) && haveCompiler)(
  'the GPU check makes sure the addon loads (ensure-addon.sh)',
  () => {
    it('keeps a carried addon that loads', () => {
      const dir = payload(readFileSync(ADDON_PATH));
      const { rc, result } = ensure(dir);
      expect(rc).toBe(0);
      expect(result).toEqual({ carried: 'loaded' });
      expect(existsSync(join(dir, 'cuda', 'build', 'Release', 'ner_cuda.node.carried'))).toBe(false);
    });

    it('rebuilds one this machine refuses, from the tree, and the rebuilt one works', () => {
      const dir = payload(Buffer.from('not a shared object: stands in for a glibc mismatch\n'));
      const { rc, result } = ensure(dir);
      expect(rc).toBe(0);
      expect(result.carried).toMatch(/invalid ELF header|file too short/);
      expect(result.rebuilt).toBe('loaded');
      expect(result.compiler).toMatch(/\+\+$/);
      const rebuilt = join(dir, 'cuda', 'build', 'Release', 'ner_cuda.node');
      expect(readFileSync(`${rebuilt}.carried`, 'utf8')).toContain('not a shared object');
      // It answers as the built addon does on a machine without a GPU.
      const probe = (addon: string) =>
        spawnSync(
          process.execPath,
          [
            '-e',
            `const a = require(${JSON.stringify(addon)});
             const r = a.openDevice({ ordinal: 0, fatbinPath: '', forceNvrtc: false, cacheDir: '', sourceHash: 'x',
               unitySource: '', fileNames: [], fileContents: [], kernelNames: [], kernelParams: [] });
             process.stdout.write(JSON.stringify(r.reason !== undefined ? r : { reason: 'AVAILABLE' }));`,
          ],
          { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NER_CUDA_LIB_DIR: '/nonexistent' } },
        ).stdout;
      expect(probe(rebuilt)).toBe(probe(ADDON_PATH));
    }, 180_000);

    it('says why when there is no compiler to rebuild with', () => {
      // A PATH with the tools the script uses, and no C++ compiler.
      const bin = mkdtempSync(join(tmpdir(), 'ner-gpu-check-bin-'));
      temps.push(bin);
      for (const tool of ['python3', 'head', 'mkdir', 'mv', 'cp', 'mktemp', 'dirname']) {
        // The system's python3, not a version manager's shim (a script that needs more of PATH).
        const system = `/usr/bin/${tool}`;
        const found = existsSync(system)
          ? system
          : spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
        if (found) symlinkSync(found, join(bin, tool));
      }
      const dir = payload(null);
      const { rc, result } = ensure(dir, { PATH: bin });
      expect(rc).not.toBe(0);
      expect(result.carried).toMatch(/^not in the payload: /);
      expect(result.rebuilt).toBe('not rebuilt: no C++ compiler (g++, c++, clang++) on this machine');
    });
  },
);
