// The addon builds, and on a machine without an NVIDIA driver or GPU the probe says so in one
// line that names what is missing. A stand-in libcuda (fixtures/stub-libcuda.c) drives the
// paths a GPU-less machine cannot reach otherwise: cuInit failing, no device, an old driver.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADDON_PATH, loadCudaAddon, probeCuda, readKernelSources } from '../../src/addon.js';

const fixture = join(import.meta.dirname, 'fixtures', 'stub-libcuda.c');
const hasSystemDriver =
  spawnSync('sh', ['-c', 'ldconfig -p | grep -q "libcuda.so.1 "'], { encoding: 'utf8' }).status === 0;
const haveCompiler = spawnSync('cc', ['--version']).status === 0;

/**
 * Opens device 0 in a fresh Node process (libraries it loads stay out of this one); returns what
 * `openDevice` said when there was no device, or `{reason: 'AVAILABLE'}`.
 */
function openDeviceInChild(env: Record<string, string>, ordinal = 0): { reason: string; noDriver?: boolean } {
  const script = `
    const addon = require(${JSON.stringify(ADDON_PATH)});
    const r = addon.openDevice({ ordinal: ${ordinal}, fatbinPath: '', forceNvrtc: false, cacheDir: '', sourceHash: 'x',
      unitySource: '', fileNames: [], fileContents: [], kernelNames: [], kernelParams: [] });
    process.stdout.write(JSON.stringify(r.reason !== undefined ? r : { reason: 'AVAILABLE' }));`;
  const result = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  });
  if (result.status !== 0) throw new Error(`child failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as { reason: string; noDriver?: boolean };
}

/** The reason device `ordinal` could not be opened in a fresh process ('AVAILABLE' when it could). */
function openInChild(env: Record<string, string>, ordinal = 0): string {
  return openDeviceInChild(env, ordinal).reason;
}

describe('the CUDA addon', () => {
  it('is built (it needs no CUDA headers or libraries)', () => {
    if (!existsSync(ADDON_PATH) && !process.env.CI) {
      console.log(`skipped: ${ADDON_PATH} not built here (no C++ toolchain?)`);
      return;
    }
    const { addon, error } = loadCudaAddon();
    expect(error).toBeNull();
    expect(typeof addon?.openDevice).toBe('function');
    expect(typeof addon?.nvrtcCompile).toBe('function');
  });
});

describe.runIf(existsSync(ADDON_PATH))('probeCuda without a GPU', () => {
  it.runIf(!hasSystemDriver && !process.env.NER_CUDA_LIB_DIR)(
    'reports unavailable, naming libcuda.so.1 and the places searched',
    () => {
      const probe = probeCuda();
      expect(probe.available).toBe(false);
      if (probe.available) return;
      expect(probe.reason).toMatch(
        /^no NVIDIA driver: libcuda\.so\.1 not found \(searched: already loaded, /,
      );
      expect(probe.reason).toContain('the system loader');
      expect(probe.reason).toContain('/usr/local/cuda/lib64');
      expect(probe.reason).not.toContain('\n');
      expect(probe.noDriver).toBe(true);
    },
  );

  it('names NER_CUDA_LIB_DIR among the places searched when it is set, and flags a missing driver', () => {
    const opened = openDeviceInChild({ NER_CUDA_LIB_DIR: '/nonexistent/ner-cuda-libs', LD_LIBRARY_PATH: '' });
    if (hasSystemDriver) return; // a real driver is found after the folder
    expect(opened.reason).toContain('NER_CUDA_LIB_DIR=/nonexistent/ner-cuda-libs');
    expect(opened.noDriver).toBe(true);
  });

  it('reads the kernel sources with a stable hash', () => {
    const a = readKernelSources();
    const b = readKernelSources();
    expect(a.sourceHash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.sourceHash).toBe(b.sourceHash);
    expect(a.fileNames).toContain('ner_dims.cuh');
    expect(a.unitySource).toContain('#include "reduce.cu"');
    expect(a.unitySource).not.toContain('ner_dims.cuh');
  });
});

describe.runIf(existsSync(ADDON_PATH) && haveCompiler)('probe with a stand-in libcuda.so.1', () => {
  let dir = '';
  let oldDriverDir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ner-cuda-stub-'));
    oldDriverDir = join(dir, 'old');
    mkdirSync(oldDriverDir);
    const build = (out: string, extra: string[]) => {
      const r = spawnSync('cc', ['-shared', '-fPIC', ...extra, '-o', out, fixture], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr);
    };
    build(join(dir, 'libcuda.so.1'), []);
    build(join(oldDriverDir, 'libcuda.so.1'), ['-DSTUB_OLD_DRIVER']);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a failing cuInit is reported with its CUDA error name and the driver path', () => {
    const opened = openDeviceInChild({ NER_CUDA_LIB_DIR: dir });
    expect(opened.reason).toBe(`cuInit failed: CUDA_ERROR_NO_DEVICE (driver ${join(dir, 'libcuda.so.1')})`);
    expect(opened.noDriver).toBe(false); // a driver that fails is worth telling a user about
  });

  it('a driver that initialises but has no device says "no CUDA device"', () => {
    const reason = openInChild({ NER_CUDA_LIB_DIR: dir, STUB_CUINIT_RESULT: '0', STUB_DEVICE_COUNT: '0' });
    expect(reason).toBe('no CUDA device');
  });

  it('a device number past the last device is named', () => {
    const reason = openInChild({ NER_CUDA_LIB_DIR: dir, STUB_CUINIT_RESULT: '0', STUB_DEVICE_COUNT: '1' }, 3);
    expect(reason).toBe('device 3 requested (NER_CUDA_DEVICE) but only 1 present');
  });

  it('a failing driver call is named with the call and its CUDA error name', () => {
    // device 0 of 1 exists, so the stand-in's failing cuDeviceGet is what stops it
    const reason = openInChild({ NER_CUDA_LIB_DIR: dir, STUB_CUINIT_RESULT: '0', STUB_DEVICE_COUNT: '1' });
    expect(reason).toBe('cuDeviceGet: CUDA_ERROR_UNKNOWN');
  });

  it('a working driver without cuBLASLt names the library and the places searched', () => {
    const reason = openInChild({
      NER_CUDA_LIB_DIR: dir,
      STUB_CUINIT_RESULT: '0',
      STUB_DEVICE_COUNT: '1',
      STUB_CALLS_RESULT: '0',
      LD_LIBRARY_PATH: '',
    });
    if (
      existsSync('/usr/local/cuda/lib64/libcublasLt.so.13') ||
      existsSync('/usr/local/cuda/lib64/libcublasLt.so.12')
    ) {
      return; // a machine with cuBLASLt gets further
    }
    expect(reason).toMatch(
      /^cuBLASLt is needed for matrix products: libcublasLt\.so\.13 or libcublasLt\.so\.12 not found \(searched: already loaded, NER_CUDA_LIB_DIR=.*, \d+ Python wheel folder\(s\) nvidia\/\*\/lib, the system loader, /,
    );
  });

  it('a driver lacking a versioned entry point is named', () => {
    const reason = openInChild({ NER_CUDA_LIB_DIR: oldDriverDir });
    expect(reason).toBe(
      `${join(oldDriverDir, 'libcuda.so.1')} lacks cuMemAlloc_v2 (a driver too old for CUDA 12?)`,
    );
  });
});
