// Where the device's kernels come from (Device::loadKernels), end to end through the real addon on
// the host-memory stand-in driver (fixtures/stub-host-cuda.c, with STUB_CHECK_KERNELS: a module
// must name every kernel the addon looks up): the fatbin; NVRTC when asked or when the driver
// refuses the fatbin, compiled once and then loaded from the disk cache; and one error naming
// both failures when neither works. The NVRTC cases need libnvrtc (NER_TEST_CUDA_LIBS_DIR; CI
// fetches Debian's with tools/fetch-cuda-libs/fetch.sh), never a GPU.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADDON_PATH, FATBIN_PATH, readKernelSources } from '../../src/addon.js';
import { KERNEL_ABI } from '../../src/kernel-abi.js';
import { buildHostStubs } from './host-stubs.js';

const haveCompiler = spawnSync('cc', ['--version']).status === 0;
const nvrtcDir = process.env.NER_TEST_CUDA_LIBS_DIR;
const sources = readKernelSources();
const kernels = Object.entries(KERNEL_ABI).map(([name, spec]) => [name, spec.params] as const);

interface Opened {
  kernelSource?: string;
  libraries?: Record<string, string>;
  error?: string;
}

describe.runIf(existsSync(ADDON_PATH) && haveCompiler)('where the kernels come from', () => {
  let stubs = '';
  const temps: string[] = [];
  const tempDir = (prefix: string) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    temps.push(dir);
    return dir;
  };
  beforeAll(() => {
    stubs = tempDir('ner-cuda-kernel-source-');
    buildHostStubs(stubs);
  });
  afterAll(() => {
    for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  });

  /** Opens the stub device in a fresh process (NVRTC stays loaded in a process) and closes it. */
  function open(
    options: { fatbinPath: string; forceNvrtc: boolean; cacheDir: string },
    env: Record<string, string>,
    looksUp: readonly (readonly [string, readonly string[]])[] = kernels,
  ): Opened {
    const script = `
      const addon = require(${JSON.stringify(ADDON_PATH)});
      const input = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
      try {
        const dev = addon.openDevice({ ordinal: 0, ...input.options, ...input.sources,
          kernelNames: input.kernels.map(([n]) => n), kernelParams: input.kernels.map(([, p]) => p) });
        if (dev.reason !== undefined) throw new Error(dev.reason);
        const info = dev.info();
        dev.close();
        process.stdout.write(JSON.stringify({ kernelSource: info.kernelSource, libraries: info.libraries }));
      } catch (e) {
        process.stdout.write(JSON.stringify({ error: e.message }));
      }`;
    const result = spawnSync(process.execPath, ['-e', script], {
      input: JSON.stringify({ options, sources, kernels: looksUp }),
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', STUB_CHECK_KERNELS: '1', ...env },
      timeout: 170_000,
    });
    if (result.status !== 0) throw new Error(`child failed (${result.status}): ${result.stderr}`);
    return JSON.parse(result.stdout) as Opened;
  }

  it.runIf(existsSync(FATBIN_PATH))('loads the fatbin, which names every kernel', () => {
    const opened = open(
      { fatbinPath: FATBIN_PATH, forceNvrtc: false, cacheDir: '' },
      { NER_CUDA_LIB_DIR: stubs },
    );
    expect(opened).toEqual({
      kernelSource: 'fatbin',
      libraries: { cuda: join(stubs, 'libcuda.so.1'), cublasLt: join(stubs, 'libcublasLt.so.13') },
    });
  });

  it.runIf(existsSync(FATBIN_PATH))(
    'fails to open when a kernel the addon looks up is not in the module',
    () => {
      const opened = open(
        { fatbinPath: FATBIN_PATH, forceNvrtc: false, cacheDir: '' },
        { NER_CUDA_LIB_DIR: stubs },
        [
          ...kernels,
          ['ner_softmax', ['ptr']], // the head of real names (ner_softmax_f32), never a whole one
        ],
      );
      expect(opened.error).toBe('cuModuleGetFunction(ner_softmax): CUDA_ERROR_STUB');
    },
  );

  it('names both failures when the driver refuses the fatbin and there is no NVRTC', () => {
    // A file with the fatbin magic, which the stand-in refuses as a driver refuses a fatbin
    // with no image for the GPU.
    const fatbin = join(tempDir('ner-cuda-fatbin-'), 'refused.fatbin');
    const header = Buffer.alloc(16);
    header.writeUInt32LE(0xba55ed50, 0);
    header.writeUInt16LE(16, 6);
    writeFileSync(fatbin, header);
    const opened = open(
      { fatbinPath: fatbin, forceNvrtc: false, cacheDir: '' },
      { NER_CUDA_LIB_DIR: stubs, STUB_REFUSE_FATBIN: '1' },
    );
    if (opened.error?.includes('NVRTC') && !opened.error.includes('not found')) {
      console.log('skipped: this machine has a system NVRTC, so the fallback worked');
      return;
    }
    expect(opened.error).toMatch(
      new RegExp(
        `^cuModuleLoadData\\(${fatbin.replace(/[.]/g, '\\.')}\\): CUDA_ERROR_STUB; NVRTC is needed to compile the kernels: libnvrtc\\.so\\.13 or libnvrtc\\.so\\.12 or libnvrtc\\.so\\.11\\.2 not found`,
      ),
    );
  });

  describe.runIf(Boolean(nvrtcDir))('with NVRTC (NER_TEST_CUDA_LIBS_DIR)', () => {
    const env = () => ({ NER_CUDA_LIB_DIR: `${stubs}:${nvrtcDir}` });

    it('compiles for the device (sm_90) when asked, caches the cubin, and loads the cache next time', () => {
      const cacheDir = tempDir('ner-cuda-nvrtc-cache-');
      const first = open({ fatbinPath: '', forceNvrtc: true, cacheDir }, env());
      expect(first.error).toBeUndefined();
      expect(first.kernelSource).toBe('nvrtc');
      expect(first.libraries?.nvrtc).toMatch(new RegExp(`^${nvrtcDir}/libnvrtc\\.so\\.(13|12|11\\.2)$`));
      const cached = readdirSync(cacheDir);
      expect(cached).toHaveLength(1);
      expect(cached[0]).toMatch(new RegExp(`^${sources.sourceHash}-sm_90-nvrtc\\d+\\.\\d+\\.cubin$`));
      const before = statSync(join(cacheDir, cached[0] as string));

      const second = open({ fatbinPath: '', forceNvrtc: true, cacheDir }, env());
      expect(second.kernelSource).toBe('nvrtc');
      // A compile would have written a new file through a rename: same inode means it was read.
      const after = statSync(join(cacheDir, cached[0] as string));
      expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
      expect(readdirSync(cacheDir)).toEqual(cached);
    }, 180_000);

    it.runIf(existsSync(FATBIN_PATH))(
      'falls back to NVRTC when the driver refuses the fatbin',
      () => {
        const opened = open(
          { fatbinPath: FATBIN_PATH, forceNvrtc: false, cacheDir: '' },
          { ...env(), STUB_REFUSE_FATBIN: '1' },
        );
        expect(opened.error).toBeUndefined();
        expect(opened.kernelSource).toBe('nvrtc');
      },
      180_000,
    );
  });
});
