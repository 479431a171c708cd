// Which GPU a process opens: NER_CUDA_DEVICE when set; in a launched process (LOCAL_RANK) one GPU
// per local rank, as accelerate's `cuda:LOCAL_RANK`, or the one visible device when the launcher
// gave each rank its own (ner-launch --gpus sets CUDA_VISIBLE_DEVICES per rank); else device 0.
// Without this, every rank of a multi-GPU node would open device 0 and NCCL would refuse them.
// The request is read in TypeScript (deviceRequest); the choice among the devices the driver shows
// is the addon's, checked on the host-memory stand-in driver with STUB_DEVICE_COUNT devices.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADDON_PATH, deviceRequest } from '../../src/addon.js';
import { buildHostStubs } from './host-stubs.js';

describe('deviceRequest', () => {
  it('takes NER_CUDA_DEVICE first, then LOCAL_RANK, else lets the addon take device 0', () => {
    expect(deviceRequest({ NER_CUDA_DEVICE: '2', LOCAL_RANK: '1' })).toEqual({ ordinal: 2, localRank: -1 });
    expect(deviceRequest({ LOCAL_RANK: '3' })).toEqual({ ordinal: -1, localRank: 3 });
    expect(deviceRequest({})).toEqual({ ordinal: -1, localRank: -1 });
    expect(deviceRequest({ LOCAL_RANK: '' })).toEqual({ ordinal: -1, localRank: -1 });
  });

  it('names a value that is not a device number or a process index', () => {
    expect(deviceRequest({ NER_CUDA_DEVICE: '-1' })).toEqual({
      reason: 'NER_CUDA_DEVICE=-1 is not a device number',
    });
    expect(deviceRequest({ NER_CUDA_DEVICE: '1.5' })).toHaveProperty('reason');
    expect(deviceRequest({ LOCAL_RANK: 'x' })).toEqual({
      reason: 'LOCAL_RANK=x is not a process index (set NER_CUDA_DEVICE to choose the GPU)',
    });
  });
});

const haveCompiler = spawnSync('cc', ['--version']).status === 0;

describe.runIf(existsSync(ADDON_PATH) && haveCompiler)('the addon chooses the device', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ner-cuda-device-choice-'));
    buildHostStubs(dir);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Opens a device in a fresh process with `devices` stand-in GPUs (any file passes for the fatbin
   * there): its ordinal and why, or the reason.
   */
  function open(devices: number, ordinal: number, localRank?: number): string {
    const script = `
      const addon = require(${JSON.stringify(ADDON_PATH)});
      const r = addon.openDevice({ ordinal: ${ordinal}, ${localRank === undefined ? '' : `localRank: ${localRank},`}
        fatbinPath: ${JSON.stringify(join(dir, 'libcuda.so.1'))}, forceNvrtc: false, cacheDir: '', sourceHash: 'x', unitySource: '', fileNames: [],
        fileContents: [], kernelNames: [], kernelParams: [] });
      if (r.reason !== undefined) process.stdout.write(r.reason);
      else { const i = r.info(); process.stdout.write(i.ordinal + ' from ' + i.ordinalFrom); r.close(); }`;
    const run = spawnSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NER_CUDA_LIB_DIR: dir,
        STUB_DEVICE_COUNT: String(devices),
      },
    });
    if (run.status !== 0) throw new Error(`child failed: ${run.stderr}`);
    return run.stdout;
  }

  it('opens device LOCAL_RANK among several, as accelerate does', () => {
    expect(open(4, -1, 2)).toBe('2 from LOCAL_RANK');
    expect(open(4, -1, 0)).toBe('0 from LOCAL_RANK');
  });

  it("opens the one visible device whatever the rank (each rank's own CUDA_VISIBLE_DEVICES)", () => {
    expect(open(1, -1, 3)).toBe('0 from LOCAL_RANK');
  });

  it('refuses a rank past the visible devices, saying what to change', () => {
    expect(open(2, -1, 3)).toBe(
      'LOCAL_RANK=3 asks for device 3 (one GPU per local rank) but only 2 are visible: start fewer processes per node, or choose with NER_CUDA_DEVICE or CUDA_VISIBLE_DEVICES',
    );
  });

  it('lets NER_CUDA_DEVICE win over LOCAL_RANK, and opens device 0 when neither is set', () => {
    expect(open(4, 1, -1)).toBe('1 from NER_CUDA_DEVICE');
    expect(open(4, 3)).toBe('3 from NER_CUDA_DEVICE');
    expect(open(4, -1)).toBe('0 from default');
    expect(open(2, 2)).toBe('device 2 requested (NER_CUDA_DEVICE) but only 2 present');
  });
});
