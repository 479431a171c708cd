// The kernel sources compile strictly: each .cu alone with nvcc -Werror all-warnings (the
// fatbin build compiles them together with the same flags), only local includes (NVRTC has no
// system headers; the addon hands it src/cu's files), and with NVRTC itself where libnvrtc is
// installed (it needs no GPU).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ADDON_PATH, CU_DIR, loadCudaAddon, readKernelSources } from '../../src/addon.js';
import { findNvcc } from './nvcc.js';

const cuFiles = readdirSync(CU_DIR)
  .filter((f) => f.endsWith('.cu'))
  .sort();
const nvcc = findNvcc();
const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe('kernel sources', () => {
  it('include only files shipped in src/cu (NVRTC has no system headers)', () => {
    const shipped = new Set(readdirSync(CU_DIR));
    for (const file of readdirSync(CU_DIR)) {
      const text = readFileSync(join(CU_DIR, file), 'utf8');
      for (const m of text.matchAll(/^\s*#\s*include\s*([<"])([^>"]+)[>"]/gm)) {
        expect(m[1], `${file} includes <${m[2]}>`).toBe('"');
        expect(shipped.has(m[2] as string), `${file} includes ${m[2]}, not in src/cu`).toBe(true);
      }
    }
  });

  it('compile one by one with nvcc -Werror all-warnings', () => {
    if (!nvcc) {
      expect(process.env.CI, 'CI has nvcc: it must be found').toBeFalsy();
      console.log('skipped: nvcc not found');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'ner-cuda-nvcc-'));
    temps.push(dir);
    for (const file of cuFiles) {
      const r = spawnSync(
        nvcc,
        [
          '--cubin',
          '-arch=sm_80',
          '--fmad=false',
          '--std=c++17',
          '-Werror',
          'all-warnings',
          `-I${CU_DIR}`,
          '-o',
          join(dir, `${file}.cubin`),
          join(CU_DIR, file),
        ],
        { encoding: 'utf8' },
      );
      expect(`${file}: ${r.status === 0 ? 'ok' : r.stderr}`).toBe(`${file}: ok`);
    }
  }, 180_000);
});

describe.runIf(existsSync(ADDON_PATH))('the NVRTC path', () => {
  it('compiles every kernel to a cubin for sm_80 and sm_90, and caches it', () => {
    const { addon } = loadCudaAddon();
    if (!addon) throw new Error('addon not loaded');
    const cacheDir = mkdtempSync(join(tmpdir(), 'ner-cuda-nvrtc-'));
    temps.push(cacheDir);
    const sources = readKernelSources();
    let result: { library: string; cubinBytes: number };
    try {
      result = addon.nvrtcCompile({ arch: 90, cacheDir, ...sources });
    } catch (error) {
      const message = (error as Error).message;
      if (/libnvrtc\.so\.13 or libnvrtc\.so\.12 not found/.test(message)) {
        // Neither this machine nor CI has NVRTC (it comes with a GPU machine's CUDA or PyTorch).
        console.log(`skipped: ${message}`);
        return;
      }
      throw error;
    }
    expect(result.cubinBytes).toBeGreaterThan(10_000);
    expect(result.library).toMatch(/libnvrtc\.so\.1[23]/);
    const cached = readdirSync(cacheDir);
    expect(cached).toHaveLength(1);
    expect(cached[0]).toMatch(new RegExp(`^${sources.sourceHash}-sm_90-nvrtc\\d+\\.\\d+\\.cubin$`));
    expect(addon.nvrtcCompile({ arch: 80, cacheDir: '', ...sources }).cubinBytes).toBeGreaterThan(10_000);
  }, 180_000);
});
