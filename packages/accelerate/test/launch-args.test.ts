import { describe, expect, it } from 'vitest';
import { parseLaunchArgs } from '../src/launcher/launch-args.js';

describe('parseLaunchArgs', () => {
  it('keeps options after the script for the script', () => {
    const { options } = parseLaunchArgs('--nproc-per-node 2 train.mjs --lr 1e-3 --nnodes 9'.split(' '));
    expect(options).toEqual({
      nprocPerNode: 2,
      script: 'train.mjs',
      args: ['--lr', '1e-3', '--nnodes', '9'],
    });
  });
  it("reads torchrun's flags in both spellings, = forms, and accelerate launch's aliases", () => {
    const { options } = parseLaunchArgs(
      [
        '--nproc_per_node=4 --nnodes 2 --node-rank=1 --master-addr 10.0.0.1 --master_port 29501',
        '--backend gloo --rdzv-secret s3 --gpus=2,3,4,5 --mixed_precision bf16 --gradient_accumulation_steps 4 s.js',
      ]
        .join(' ')
        .split(' '),
    );
    expect(options).toEqual({
      nprocPerNode: 4,
      nnodes: 2,
      nodeRank: 1,
      masterAddr: '10.0.0.1',
      masterPort: 29501,
      backend: 'gloo',
      secret: 's3',
      gpus: [2, 3, 4, 5],
      mixedPrecision: 'bf16',
      gradientAccumulationSteps: 4,
      script: 's.js',
      args: [],
    });
    expect(parseLaunchArgs(['--num_processes', '2', '--gpus', 's.js']).options.gpus).toBe(true);
    expect(parseLaunchArgs(['-n', '3', '--main_process_port', '1234', 's.js']).options).toMatchObject({
      nprocPerNode: 3,
      masterPort: 1234,
    });
  });
  it('explains mistakes', () => {
    expect(() => parseLaunchArgs(['s.js'])).toThrow(/--nproc-per-node is required/);
    expect(() => parseLaunchArgs(['--nproc-per-node', '0', 's.js'])).toThrow(/integer >= 1, got '0'/);
    expect(() => parseLaunchArgs(['--nproc-per-node', '1e2', 's.js'])).toThrow(/integer >= 1, got '1e2'/);
    expect(() => parseLaunchArgs(['--nproc-per-node', '2'])).toThrow(/missing the script/);
    expect(() => parseLaunchArgs(['--bogus', 's.js'])).toThrow(/unknown option --bogus/);
    expect(() => parseLaunchArgs(['-n', '2', '--backend', 'mpi', 's.js'])).toThrow(/gloo, nccl/);
    expect(() => parseLaunchArgs(['-n', '2', '--master-port', '70000', 's.js'])).toThrow(/not a TCP port/);
    expect(() => parseLaunchArgs(['-n', '2', '--master-addr'])).toThrow(/--master-addr needs a value/);
    expect(() => parseLaunchArgs(['-n', '2', '--mixed-precision', 'fp16', 's.js'])).toThrow(
      /--mixed-precision must be one of no, bf16, got 'fp16'/,
    );
    expect(() => parseLaunchArgs(['-n', '2', '--gradient-accumulation-steps', '0', 's.js'])).toThrow(
      "ner-launch: --gradient-accumulation-steps needs an integer >= 1, got '0'",
    );
    expect(parseLaunchArgs(['--help']).help).toBe(true);
  });
});
