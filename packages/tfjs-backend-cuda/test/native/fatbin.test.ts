// The nvcc-built fatbin holds a cubin for sm_80, sm_86, sm_89 and sm_90 and compute_90 PTX.
// CI has nvcc, so there a missing fatbin is a failure; elsewhere the test skips with a message.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FATBIN_PATH } from '../../src/addon.js';
import { readFatbinImages } from './fatbin-format.js';
import { findNvcc } from './nvcc.js';

const haveFatbin = existsSync(FATBIN_PATH);
const mustHave = Boolean(process.env.CI) || findNvcc() !== null;

describe('ner_kernels.fatbin', () => {
  it('is built wherever nvcc is present (always under CI)', () => {
    if (!mustHave) {
      console.log('skipped: no nvcc on this machine, so no fatbin (NVRTC compiles the kernels at first use)');
      return;
    }
    expect(haveFatbin, `${FATBIN_PATH} is missing: run node scripts/build-fatbin.mjs --force`).toBe(true);
  });

  it.runIf(haveFatbin)('holds cubins for sm_80/86/89/90 and compute_90 PTX', () => {
    const images = readFatbinImages(readFileSync(FATBIN_PATH));
    const cubins = images
      .filter((i) => i.kind === 'elf')
      .map((i) => i.arch)
      .sort((a, b) => a - b);
    const ptx = images.filter((i) => i.kind === 'ptx');
    expect(cubins).toEqual([80, 86, 89, 90]);
    expect(ptx.map((i) => i.arch)).toEqual([90]);
    // CUDA 13.0's nvcc writes PTX ISA 9.0: the README's driver table depends on this number.
    expect(ptx[0]?.ptxIsa).toMatch(/^9\.\d+$/);
    for (const image of images) expect(image.bytes).toBeGreaterThan(1000);
  });

  it.runIf(haveFatbin)('agrees with cuobjdump where cuobjdump is installed', () => {
    const probe = spawnSync('cuobjdump', ['--version'], { encoding: 'utf8' });
    if (probe.error) {
      if (process.env.CI)
        console.log(
          'cuobjdump not installed (pip-installed nvcc has none): the fatbin reader above checked the images',
        );
      else console.log('skipped: cuobjdump not installed');
      return;
    }
    const out = spawnSync('cuobjdump', ['--list-elf', '--list-ptx', FATBIN_PATH], {
      encoding: 'utf8',
    }).stdout;
    for (const arch of ['sm_80', 'sm_86', 'sm_89', 'sm_90']) expect(out).toContain(arch);
    expect(out).toMatch(/ptx.*sm_90|compute_90/);
  });
});
