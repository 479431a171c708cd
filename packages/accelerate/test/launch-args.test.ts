import { describe, expect, it } from 'vitest';
import { parseLaunchArgs } from '../src/launcher/launch-args.js';

describe('parseLaunchArgs', () => {
  it('keeps options after the script for the script', () => {
    const { options } = parseLaunchArgs([
      '--num-processes',
      '2',
      'train.mjs',
      '--lr',
      '1e-3',
      '--num-processes',
      '9',
    ]);
    expect(options).toEqual({
      numProcesses: 2,
      script: 'train.mjs',
      args: ['--lr', '1e-3', '--num-processes', '9'],
      gpus: false,
    });
  });
  it('accepts = forms, --gpus and a port', () => {
    const { options } = parseLaunchArgs(['--num-processes=4', '--gpus', '--master-port', '29501', 's.js']);
    expect(options).toMatchObject({
      numProcesses: 4,
      gpus: true,
      masterPort: 29501,
      script: 's.js',
      args: [],
    });
  });
  it('explains mistakes', () => {
    expect(() => parseLaunchArgs(['s.js'])).toThrow(/--num-processes is required/);
    expect(() => parseLaunchArgs(['--num-processes', '0', 's.js'])).toThrow(/positive integer/);
    expect(() => parseLaunchArgs(['--num-processes', '2'])).toThrow(/missing the script/);
    expect(() => parseLaunchArgs(['--bogus', 's.js'])).toThrow(/unknown option --bogus/);
    expect(parseLaunchArgs(['--help']).help).toBe(true);
  });
});
