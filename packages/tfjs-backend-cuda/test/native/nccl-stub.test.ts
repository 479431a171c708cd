// The addon's NCCL path end to end without a GPU or libnccl: a stand-in libnccl.so.2
// (fixtures/stub-libnccl.c) beside the host-memory driver (fixtures/stub-host-cuda.c), loaded
// through the addon's dlopen search. Checks what reaches NCCL (pointers in place, counts, data
// types, ops, the device's stream, the nonblocking config), the data that comes back, NCCL's
// result names in errors, and that a hung set-up, a collective that never ends and a dead peer
// all end in an aborted communicator within the deadline.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHostStubs, buildStub } from './host-stubs.js';
import { ADDON_PATH } from '../../src/addon.js';

const haveCompiler = spawnSync('cc', ['--version']).status === 0;
const fixtures = join(import.meta.dirname, 'fixtures');

describe.runIf(existsSync(ADDON_PATH) && haveCompiler)('NCCL through the addon on a stand-in libnccl', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ner-cuda-nccl-'));
    buildHostStubs(dir);
    buildStub(dir, 'stub-libnccl.c', '-DSTUB_NCCL', 'libnccl.so.2');
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs one case of nccl-stub-child.cjs with the stand-ins on NER_CUDA_LIB_DIR; returns its report and NCCL's log. */
  function runCase(
    scenario: string,
    env: Record<string, string> = {},
  ): { report: Record<string, unknown>; log: string[] } {
    const logPath = join(dir, `${scenario}-${Object.keys(env).join('-')}.log`);
    const run = spawnSync(
      process.execPath,
      [join(fixtures, 'nccl-stub-child.cjs'), ADDON_PATH, join(dir, 'libcuda.so.1'), scenario],
      {
        encoding: 'utf8',
        timeout: 20_000,
        env: { PATH: process.env.PATH ?? '', NER_CUDA_LIB_DIR: dir, STUB_NCCL_LOG: logPath, ...env },
      },
    );
    if (run.status !== 0) throw new Error(`child failed (${run.status}): ${run.stderr}`);
    const log = existsSync(logPath) ? readFileSync(logPath, 'utf8').trim().split('\n') : [];
    return { report: JSON.parse(run.stdout), log };
  }

  it('finds libnccl.so.2 through NER_CUDA_LIB_DIR and reports its version', () => {
    const { report } = runCase('status');
    expect(report.status).toEqual({ available: true, version: 22703, library: join(dir, 'libnccl.so.2') });
  });

  it('says why when libnccl is missing or too old', () => {
    const missing = runCase('status', { NER_CUDA_LIB_DIR: join(dir, 'nothing-here') }).report.status as {
      reason: string;
    };
    expect(missing).toMatchObject({ available: false });
    expect(missing.reason).toMatch(
      /^unavailable: libnccl\.so\.2 not found \(searched: already loaded, NER_CUDA_LIB_DIR=/,
    );
    expect(missing.reason).toContain('Python wheel folder(s) nvidia/*/lib');
    const old = runCase('status', { STUB_NCCL_VERSION: '21203' }).report.status;
    expect(old).toEqual({
      available: false,
      reason: `unavailable: ${join(dir, 'libnccl.so.2')} is NCCL 2.12.3; 2.14 or newer is needed (nonblocking communicators, ncclAvg)`,
    });
  });

  it('passes pointers, counts, types, ops and the device stream, and reads the results back', () => {
    const { report, log } = runCase('collectives');
    expect(report.uniqueId).toEqual([128, 5, 130]);
    expect(report.comm).toEqual([2, 1]);
    // The stand-in's other rank mirrors this one: a sum over 2 ranks doubles, avg keeps.
    expect(report.allReduceSum).toEqual([2, -4, 7]);
    expect(report.allReduceAvg).toEqual([2, -4, 7]);
    expect(report.allGather).toEqual([4, 5, 4, 5]);
    expect(report.broadcast).toEqual([2, -4, 7]);
    expect(report.reduceScatter).toEqual([6, 8]); // rank 1's half [3, 4], summed over 2 ranks
    expect(log).toEqual([
      'ncclGetUniqueId',
      // The unique id arrives by value; the config is NCCL 2.14's prefix with blocking = 0.
      'ncclCommInitRankConfig nranks=2 rank=1 id0=5 id127=-126 size=24 magic=cafebeef version=21400 blocking=0',
      'ncclAllReduce inPlace=1 count=3 type=7 op=0 stream=0x2',
      'ncclAllReduce inPlace=1 count=3 type=7 op=4 stream=0x2',
      'ncclAllGather sendCount=2 type=2 stream=0x2',
      'ncclBroadcast inPlace=1 count=3 type=7 root=0 stream=0x2',
      'ncclReduceScatter recvCount=2 type=7 op=0 stream=0x2',
      'ncclCommFinalize rank=1',
      'ncclCommDestroy rank=1',
    ]);
    expect(report.badType).toBe('allReduce(dtype): 8 is not ncclFloat32 (7) or ncclInt32 (2)');
    expect(report.badOp).toBe('allReduce(op): 1 is not ncclSum, ncclMax, ncclMin or ncclAvg');
    expect(report.afterDestroy).toBe('ncclAllReduce: the NCCL communicator is gone (destroyed)');
  });

  it('names the call, the NCCL result and its last error when a call fails', () => {
    const { report } = runCase('one-collective', { STUB_NCCL_FAIL: 'ncclAllReduce' });
    expect(report.result).toBe(
      'ncclAllReduce: ncclInvalidArgument (invalid argument): stub: ncclAllReduce was told to fail',
    );
  });

  it('aborts a set-up that never completes at the deadline', () => {
    const { report, log } = runCase('one-collective', { STUB_NCCL_HANG: 'init' });
    expect(report.result).toBe(
      'ncclCommInitRankConfig(rank 0 of 2): timed out after 300 ms waiting for the other ranks; the communicator was aborted (ncclCommAbort)',
    );
    expect(log.at(-1)).toBe('ncclCommAbort rank=0');
  });

  it('aborts a collective that never ends at the deadline', () => {
    const { report, log } = runCase('one-collective', { STUB_EVENT_NEVER_READY: '1' });
    expect(report.result).toBe(
      'NCCL collective: timed out after 300 ms (rank 0 of 2; a peer is dead or stuck); the communicator was aborted (ncclCommAbort)',
    );
    expect(log).toContain('ncclCommAbort rank=0');
  });

  it('reports a dead peer (an asynchronous NCCL error) and aborts', () => {
    const { report, log } = runCase('one-collective', {
      STUB_EVENT_NEVER_READY: '1',
      STUB_NCCL_ASYNC_ERROR: '6',
    });
    expect(report.result).toBe(
      "NCCL collective: ncclRemoteError (remote process exited or there was a network error): stub: rank 0's peer went away",
    );
    expect(log.at(-1)).toBe('ncclCommAbort rank=0');
  });
});
