// The kernel sources compile strictly: each .cu alone with nvcc -Werror all-warnings (the
// fatbin build compiles them together with the same flags), only local includes (NVRTC has no
// system headers; the addon hands it src/cu's files), and with NVRTC itself where libnvrtc is
// installed or NER_TEST_CUDA_LIBS_DIR names one (it needs no GPU).
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ADDON_PATH, CU_DIR, readKernelSources } from '../../src/addon.js';
import { KERNEL_ABI } from '../../src/kernel-abi.js';
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

/** What `nvrtcCompile` said in a fresh Node process (NVRTC stays loaded in the process that loads it). */
function nvrtcCompileInChild(
  arch: number,
  cacheDir: string,
  env: Record<string, string>,
): { library: string; cubinBytes: number } | { error: string } {
  const script = `
    const addon = require(${JSON.stringify(ADDON_PATH)});
    const sources = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
    try {
      process.stdout.write(JSON.stringify(addon.nvrtcCompile({ arch: ${arch}, cacheDir: ${JSON.stringify(cacheDir)}, ...sources })));
    } catch (e) {
      process.stdout.write(JSON.stringify({ error: e.message }));
    }`;
  const result = spawnSync(process.execPath, ['-e', script], {
    input: JSON.stringify(readKernelSources()),
    encoding: 'utf8',
    // No LD_LIBRARY_PATH: NVRTC must be found, with its builtins library, from NER_CUDA_LIB_DIR alone.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    timeout: 170_000,
  });
  if (result.status !== 0) throw new Error(`child failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** The names of the kernels (global functions) a cubin defines, read with binutils' readelf. */
function cubinKernelNames(path: string): string[] {
  const r = spawnSync('readelf', ['--wide', '--symbols', path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`readelf ${path}: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[3] === 'FUNC' && f[4] === 'GLOBAL')
    .map((f) => f.at(-1) as string) // the visibility column may hold spaces ("[<other>: 10]")
    .sort();
}

// NER_TEST_CUDA_LIBS_DIR: a folder with libnvrtc.so.* and its libnvrtc-builtins (CI fetches Debian's
// with tools/fetch-cuda-libs/fetch.sh; NVRTC needs no GPU). Without it, a system NVRTC is used if any.
const nvrtcDir = process.env.NER_TEST_CUDA_LIBS_DIR;
const nvrtcEnv: Record<string, string> = nvrtcDir ? { NER_CUDA_LIB_DIR: nvrtcDir } : {};
const kernelNames = Object.keys(KERNEL_ABI).sort();

describe.runIf(existsSync(ADDON_PATH))('the NVRTC path', () => {
  it('compiles every kernel to a cubin for sm_80 and sm_90 and caches it', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'ner-cuda-nvrtc-'));
    temps.push(cacheDir);
    const sources = readKernelSources();
    const result = nvrtcCompileInChild(90, cacheDir, nvrtcEnv);
    if ('error' in result) {
      if (!nvrtcDir && /NVRTC is needed to compile the kernels: libnvrtc\.so\.13/.test(result.error)) {
        // No NVRTC here (it comes with a GPU machine's CUDA or PyTorch; CI fetches Debian's).
        console.log(`skipped: ${result.error.split('\n')[0]}`);
        return;
      }
      throw new Error(result.error);
    }
    expect(result.cubinBytes).toBeGreaterThan(10_000);
    expect(result.library).toMatch(/libnvrtc\.so\.(13|12|11\.2)$/);
    if (nvrtcDir) expect(result.library.startsWith(nvrtcDir)).toBe(true);
    const cached = readdirSync(cacheDir);
    expect(cached).toHaveLength(1);
    expect(cached[0]).toMatch(new RegExp(`^${sources.sourceHash}-sm_90-nvrtc\\d+\\.\\d+\\.cubin$`));
    // Every kernel the backend looks up by name (cuModuleGetFunction) is in the cubin, unmangled.
    expect(cubinKernelNames(join(cacheDir, cached[0] as string))).toEqual(kernelNames);
    const sm80 = nvrtcCompileInChild(80, '', nvrtcEnv);
    expect('cubinBytes' in sm80 && sm80.cubinBytes).toBeGreaterThan(10_000);
  }, 180_000);

  it('gives PTX for the newest architecture it knows to a GPU newer than that', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'ner-cuda-nvrtc-ptx-'));
    temps.push(cacheDir);
    const result = nvrtcCompileInChild(990, cacheDir, nvrtcEnv);
    if ('error' in result) {
      if (!nvrtcDir && /NVRTC is needed to compile the kernels/.test(result.error)) {
        console.log(`skipped: ${result.error.split('\n')[0]}`);
        return;
      }
      throw new Error(result.error);
    }
    const cached = readdirSync(cacheDir);
    expect(cached).toHaveLength(1);
    expect(cached[0]).toMatch(/-compute_\d+-nvrtc\d+\.\d+\.ptx$/);
    const ptx = readFileSync(join(cacheDir, cached[0] as string));
    expect(ptx.at(-1)).toBe(0); // cuModuleLoadData takes PTX as a NUL-terminated string
    const entries = [...ptx.toString('latin1').matchAll(/\.entry\s+(\w+)\s*\(/g)].map((m) => m[1]).sort();
    expect(entries).toEqual(kernelNames);
  }, 180_000);

  it.runIf(Boolean(nvrtcDir))(
    "finds NVRTC and its builtins in a virtualenv's nvidia/cuda_nvrtc/lib (PyTorch's wheels)",
    () => {
      // As pip lays out nvidia-cuda-nvrtc: site-packages/nvidia/cuda_nvrtc/lib/libnvrtc.so.* beside
      // libnvrtc-builtins.so.*; nothing on the loader's path, only VIRTUAL_ENV set.
      const venv = mkdtempSync(join(tmpdir(), 'ner-cuda-venv-'));
      temps.push(venv);
      const lib = join(venv, 'lib', 'python3.11', 'site-packages', 'nvidia', 'cuda_nvrtc', 'lib');
      mkdirSync(lib, { recursive: true });
      for (const f of readdirSync(nvrtcDir as string).filter((f) => f.startsWith('libnvrtc'))) {
        symlinkSync(join(nvrtcDir as string, f), join(lib, f));
      }
      const result = nvrtcCompileInChild(80, '', { VIRTUAL_ENV: venv });
      if ('error' in result) throw new Error(result.error);
      expect(result.library).toBe(
        join(lib, readdirSync(lib).find((f) => /^libnvrtc\.so\.\d+(\.\d+)?$/.test(f)) as string),
      );
      expect(result.cubinBytes).toBeGreaterThan(10_000);
    },
    180_000,
  );

  it.runIf(Boolean(nvrtcDir))(
    'compiles from several worker threads at once',
    () => {
      const run = spawnSync(
        process.execPath,
        [join(import.meta.dirname, 'fixtures', 'nvrtc-workers.cjs'), ADDON_PATH],
        {
          input: JSON.stringify(readKernelSources()),
          encoding: 'utf8',
          env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...nvrtcEnv },
          timeout: 170_000,
        },
      );
      expect(run.status, run.stderr).toBe(0);
      const results = JSON.parse(run.stdout) as { library?: string; cubinBytes?: number; error?: string }[];
      expect(results).toHaveLength(3);
      for (const r of results) {
        expect(r.error).toBeUndefined();
        expect(r.library).toBe(results[0]?.library);
        expect(r.cubinBytes).toBeGreaterThan(10_000);
      }
    },
    180_000,
  );

  it.runIf(Boolean(nvrtcDir))(
    'says where to put libnvrtc-builtins when it is not beside libnvrtc',
    () => {
      const lonely = mkdtempSync(join(tmpdir(), 'ner-cuda-nvrtc-alone-'));
      temps.push(lonely);
      const nvrtc = readdirSync(nvrtcDir as string).find((f) => /^libnvrtc\.so\.\d+(\.\d+)?$/.test(f));
      if (!nvrtc) throw new Error(`no libnvrtc.so.* in NER_TEST_CUDA_LIBS_DIR=${nvrtcDir}`);
      copyFileSync(join(nvrtcDir as string, nvrtc), join(lonely, nvrtc));
      const onLoaderPath =
        spawnSync('sh', ['-c', 'ldconfig -p | grep -q libnvrtc-builtins'], { encoding: 'utf8' }).status === 0;
      const result = nvrtcCompileInChild(80, '', { NER_CUDA_LIB_DIR: lonely });
      if (onLoaderPath && !('error' in result)) return; // the system's copy was found instead
      expect('error' in result && result.error).toMatch(
        /NVRTC_ERROR_BUILTIN_OPERATION_FAILURE \(libnvrtc-builtins\.so\.\d+\.\d+ is not beside .*: add its folder to NER_CUDA_LIB_DIR or LD_LIBRARY_PATH\)/,
      );
    },
    180_000,
  );
});
