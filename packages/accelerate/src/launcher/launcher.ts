/**
 * `launch` (the engine of ner-launch): torchrun for node scripts. Starts this node's ranks with
 * torchrun's environment, watches them, and when one fails stops the others (SIGTERM, then
 * SIGKILL after a grace period), reporting the first failing rank and its exit code.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { constants } from 'node:os';
import { AccelerateError } from '../errors.js';
import type { BackendName, EnvVars } from '../process-group/backend.js';
import { threadEnv } from './thread-env.js';

/** Options of {@link launch} (`torchrun` / `accelerate launch`). */
export interface LaunchOptions {
  /** Ranks to start on this node (one per GPU on a GPU machine). */
  nprocPerNode: number;
  /** The script each rank runs with `node`. */
  script: string;
  /** Arguments passed to every rank after the script. */
  args?: string[];
  /** Machines in the run [1]; every node runs ner-launch with the same options and its own nodeRank. */
  nnodes?: number;
  /** This machine's place among the nodes, 0-based [0]. */
  nodeRank?: number;
  /** Node 0's address, where rank 0 serves the rendezvous store [127.0.0.1]. */
  masterAddr?: string;
  /** The store's port [a free one on a single node, else 29500]. */
  masterPort?: number;
  /** Process-group engine the ranks use (NER_PROCESS_GROUP_BACKEND) [the script decides: gloo, nccl on CUDA]. */
  backend?: BackendName;
  /** The run's secret (NER_STORE_SECRET) [random on one node; several nodes must share one]. */
  secret?: string;
  /** The ranks' `ACCELERATE_MIXED_PRECISION`, the Accelerator's default precision [inherited]. */
  mixedPrecision?: 'no' | 'bf16';
  /** The ranks' `ACCELERATE_GRADIENT_ACCUMULATION_STEPS`, the Accelerator's default [inherited]. */
  gradientAccumulationSteps?: number;
  /** One CUDA_VISIBLE_DEVICES per local rank: `true` for 0..n-1, or the device ids to hand out [none]. */
  gpus?: boolean | readonly number[];
  /** Extra environment for the ranks. */
  env?: EnvVars;
  /** Node flags for the ranks (e.g. `['--max-old-space-size=4096']`). */
  nodeArgs?: string[];
  /** `'inherit'` (default) passes rank output through; `'pipe'` collects stdout in the result. */
  stdio?: 'inherit' | 'pipe';
  /** After a failure, how long the others get to exit after SIGTERM before SIGKILL [5 s]. */
  killGraceMs?: number;
  /** Aborting stops every rank (ner-launch wires SIGINT / SIGTERM to it). */
  signal?: AbortSignal;
  /** Called with each rank's process id once started (tests use it to kill one). */
  onSpawn?: (localRank: number, pid: number) => void;
}

/** Result of a successful {@link launch}. */
export interface LaunchResult {
  exitCodes: number[];
  /** Per-local-rank stdout (only with `stdio: 'pipe'`). */
  stdout: string[];
}

/** A rank failed (the others were stopped), or the launch could not start. */
export class LaunchError extends AccelerateError {
  /** The global rank that failed first (undefined when the launch failed before any started). */
  readonly rank: number | undefined;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stderrTail: string;
  constructor(
    message: string,
    details: { rank?: number; exitCode?: number | null; signal?: string | null; stderrTail?: string } = {},
  ) {
    super(message);
    this.rank = details.rank;
    this.exitCode = details.exitCode ?? null;
    this.signal = details.signal ?? null;
    this.stderrTail = details.stderrTail ?? '';
  }

  /** The exit status ner-launch ends with: the rank's code, or 128 + signal number as a shell does. */
  get exitStatus(): number {
    if (this.exitCode !== null && this.exitCode !== 0) return this.exitCode;
    const signo = this.signal ? constants.signals[this.signal as keyof typeof constants.signals] : undefined;
    return signo !== undefined ? 128 + signo : 1;
  }
}

/** A free TCP port on `host` [127.0.0.1]. */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Fails early, with the fix, when rank 0 could not bind the store's port. */
function checkPortFree(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new LaunchError(
          error.code === 'EADDRINUSE'
            ? `ner-launch: MASTER_PORT ${port} is in use on ${host} (another run?); pick a free one with --master-port`
            : `ner-launch: cannot bind MASTER_ADDR ${host}:${port} on this node (node 0 must own MASTER_ADDR): ${error.message}`,
        ),
      );
    });
    server.listen(port, host, () => server.close(() => resolve()));
  });
}

function checkOptions(options: LaunchOptions): { nnodes: number; nodeRank: number } {
  const positive = (name: string, value: number) => {
    if (!Number.isInteger(value) || value < 1)
      throw new LaunchError(`ner-launch: ${name} must be a positive integer, got ${value}`);
  };
  positive('nprocPerNode', options.nprocPerNode);
  const nnodes = options.nnodes ?? 1;
  positive('nnodes', nnodes);
  const nodeRank = options.nodeRank ?? 0;
  if (!Number.isInteger(nodeRank) || nodeRank < 0 || nodeRank >= nnodes) {
    throw new LaunchError(`ner-launch: nodeRank must be in [0, ${nnodes}), got ${nodeRank}`);
  }
  if (Array.isArray(options.gpus) && options.gpus.length < options.nprocPerNode) {
    throw new LaunchError(
      `ner-launch: --gpus lists ${options.gpus.length} device(s) for ${options.nprocPerNode} local ranks (one each)`,
    );
  }
  return { nnodes, nodeRank };
}

/**
 * Starts this node's ranks running `script`, each with RANK, LOCAL_RANK, WORLD_SIZE,
 * LOCAL_WORLD_SIZE, NODE_RANK (and GROUP_RANK), MASTER_ADDR, MASTER_PORT, NER_STORE_SECRET (and
 * CUDA_VISIBLE_DEVICES with `gpus`). With several local ranks, NER_NATIVE_THREADS and
 * OMP_NUM_THREADS default to the cores divided by the local ranks (torchrun sets
 * OMP_NUM_THREADS=1), unless already set. Resolves when all exit with 0; when one fails, the others
 * are stopped and the promise rejects with a {@link LaunchError} for the first failing rank.
 */
export async function launch(options: LaunchOptions): Promise<LaunchResult> {
  const { nnodes, nodeRank } = checkOptions(options);
  const local = options.nprocPerNode;
  const masterAddr = options.masterAddr ?? '127.0.0.1';
  const inheritedSecret = options.env?.NER_STORE_SECRET ?? process.env.NER_STORE_SECRET;
  const secret = options.secret ?? (nnodes === 1 ? randomBytes(24).toString('hex') : inheritedSecret);
  if (!secret) {
    throw new LaunchError(
      'ner-launch: several nodes need one shared secret: pass the same --rdzv-secret (or NER_STORE_SECRET) to ner-launch on every node',
    );
  }
  let masterPort = options.masterPort;
  if (masterPort === undefined && nnodes === 1) masterPort = await findFreePort(masterAddr);
  else {
    masterPort ??= 29500;
    if (nodeRank === 0) await checkPortFree(masterAddr, masterPort);
  }
  const children: ChildProcess[] = [];
  const stderrTails: string[] = Array.from({ length: local }, () => '');
  const stdout: string[] = Array.from({ length: local }, () => '');
  const graceMs = options.killGraceMs ?? 5_000;
  return new Promise<LaunchResult>((resolve, reject) => {
    const exitCodes: (number | undefined)[] = new Array(local);
    let failure: LaunchError | undefined;
    const running = () => children.filter((c) => c.exitCode === null && c.signalCode === null);
    const settleWhenAllGone = () => {
      if (running().length > 0) return;
      clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      if (failure) reject(failure);
      else resolve({ exitCodes: exitCodes as number[], stdout });
    };
    let killTimer: NodeJS.Timeout | undefined;
    const stopAll = (error: LaunchError) => {
      if (failure) return;
      failure = error;
      for (const child of running()) child.kill('SIGTERM');
      killTimer = setTimeout(() => {
        for (const child of running()) child.kill('SIGKILL');
      }, graceMs);
      settleWhenAllGone();
    };
    const onAbort = () => stopAll(new LaunchError('ner-launch: stopped by a signal; every rank was stopped'));
    options.signal?.addEventListener('abort', onAbort);
    const inherited = { ...process.env, ...options.env };
    // As torchrun's OMP_NUM_THREADS: the cores are shared out unless the user said otherwise.
    const threads = threadEnv(local, inherited);
    for (let localRank = 0; localRank < local; localRank++) {
      const rank = nodeRank * local + localRank;
      const env: Record<string, string | undefined> = {
        ...inherited,
        ...threads,
        RANK: String(rank),
        LOCAL_RANK: String(localRank),
        WORLD_SIZE: String(nnodes * local),
        LOCAL_WORLD_SIZE: String(local),
        NODE_RANK: String(nodeRank),
        GROUP_RANK: String(nodeRank),
        MASTER_ADDR: masterAddr,
        MASTER_PORT: String(masterPort),
        NER_STORE_SECRET: secret,
      };
      if (options.backend) env.NER_PROCESS_GROUP_BACKEND = options.backend;
      if (options.mixedPrecision) env.ACCELERATE_MIXED_PRECISION = options.mixedPrecision;
      if (options.gradientAccumulationSteps !== undefined) {
        env.ACCELERATE_GRADIENT_ACCUMULATION_STEPS = String(options.gradientAccumulationSteps);
      }
      if (options.gpus) {
        env.CUDA_VISIBLE_DEVICES = String(Array.isArray(options.gpus) ? options.gpus[localRank] : localRank);
      }
      const child = spawn(
        process.execPath,
        [...(options.nodeArgs ?? []), options.script, ...(options.args ?? [])],
        { env, stdio: ['ignore', options.stdio === 'pipe' ? 'pipe' : 'inherit', 'pipe'] },
      );
      children.push(child);
      if (child.pid !== undefined) options.onSpawn?.(localRank, child.pid);
      child.stdout?.on('data', (d: Buffer) => {
        stdout[localRank] += d.toString();
      });
      child.stderr?.on('data', (d: Buffer) => {
        if (options.stdio !== 'pipe') process.stderr.write(d);
        stderrTails[localRank] = (stderrTails[localRank] + d.toString()).slice(-4000);
      });
      child.on('error', (error) => {
        stopAll(new LaunchError(`ner-launch: rank ${rank} could not start: ${error.message}`, { rank }));
      });
      child.on('exit', (code, signal) => {
        exitCodes[localRank] = code ?? -1;
        if (code !== 0 && !failure) {
          const tail = stderrTails[localRank]!.trim();
          const how = signal ? `signal ${signal}` : `exit code ${code}`;
          stopAll(
            new LaunchError(
              `ner-launch: rank ${rank} failed (${how}); the other ranks were stopped.` +
                (tail ? `\n--- rank ${rank} stderr (tail) ---\n${tail}` : ''),
              { rank, exitCode: code, signal, stderrTail: tail },
            ),
          );
          return;
        }
        settleWhenAllGone();
      });
    }
  });
}
