import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { AccelerateError } from '../errors.js';

/** Options of {@link launch} (torchrun / `accelerate launch` on one machine). */
export interface LaunchOptions {
  /** Worker processes to start (one per GPU on a multi-GPU machine). */
  numProcesses: number;
  /** The script each worker runs with `node`. */
  script: string;
  /** Arguments passed to every worker after the script. */
  args?: string[];
  /** Extra environment for the workers. */
  env?: NodeJS.ProcessEnv;
  /** Set `CUDA_VISIBLE_DEVICES` to the worker's rank (one GPU per worker) [false]. */
  gpus?: boolean;
  /** Rendezvous port on 127.0.0.1 [a free one]. */
  masterPort?: number;
  /** Node flags for the workers (e.g. `['--max-old-space-size=4096']`). */
  nodeArgs?: string[];
  /** `'inherit'` (default) passes worker output through; `'pipe'` collects it in the result. */
  stdio?: 'inherit' | 'pipe';
}

/** Result of a successful {@link launch}. */
export interface LaunchResult {
  exitCodes: number[];
  /** Per-rank stdout (only with `stdio: 'pipe'`). */
  stdout: string[];
}

/** A worker failed; the others were stopped. */
export class LaunchError extends AccelerateError {
  constructor(
    readonly rank: number,
    readonly exitCode: number | null,
    readonly signal: string | null,
    readonly stderrTail: string,
  ) {
    super(
      `ner-launch: rank ${rank} failed (${signal ? `signal ${signal}` : `exit code ${exitCode}`}); the other workers were stopped.` +
        (stderrTail ? `\n--- rank ${rank} stderr (tail) ---\n${stderrTail}` : ''),
    );
  }
}

/** A free TCP port on 127.0.0.1. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `numProcesses` node workers running `script`, each with `RANK`,
 * `LOCAL_RANK`, `WORLD_SIZE`, `LOCAL_WORLD_SIZE`, `MASTER_ADDR=127.0.0.1`,
 * `MASTER_PORT` (and `CUDA_VISIBLE_DEVICES` with `gpus`). Resolves when all
 * exit with 0; if one fails, the others are killed and the promise rejects
 * with a {@link LaunchError} carrying the failing rank's stderr tail.
 */
export async function launch(options: LaunchOptions): Promise<LaunchResult> {
  const { numProcesses } = options;
  if (!Number.isInteger(numProcesses) || numProcesses < 1) {
    throw new AccelerateError(`launch: numProcesses must be a positive integer, got ${numProcesses}`);
  }
  const port = options.masterPort ?? (await findFreePort());
  const children: ChildProcess[] = [];
  const stderrTails: string[] = Array.from({ length: numProcesses }, () => '');
  const stdout: string[] = Array.from({ length: numProcesses }, () => '');
  return new Promise<LaunchResult>((resolve, reject) => {
    const exitCodes: (number | undefined)[] = new Array(numProcesses);
    let failed = false;
    const stopAll = () => {
      for (const child of children)
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    };
    for (let rank = 0; rank < numProcesses; rank++) {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        ...options.env,
        RANK: String(rank),
        LOCAL_RANK: String(rank),
        WORLD_SIZE: String(numProcesses),
        LOCAL_WORLD_SIZE: String(numProcesses),
        MASTER_ADDR: '127.0.0.1',
        MASTER_PORT: String(port),
      };
      if (options.gpus) env.CUDA_VISIBLE_DEVICES = String(rank);
      const child = spawn(
        process.execPath,
        [...(options.nodeArgs ?? []), options.script, ...(options.args ?? [])],
        {
          env,
          stdio: ['ignore', options.stdio === 'pipe' ? 'pipe' : 'inherit', 'pipe'],
        },
      );
      children.push(child);
      child.stdout?.on('data', (d: Buffer) => {
        stdout[rank] += d.toString();
      });
      child.stderr?.on('data', (d: Buffer) => {
        if (options.stdio !== 'pipe') process.stderr.write(d);
        stderrTails[rank] = (stderrTails[rank] + d.toString()).slice(-4000);
      });
      child.on('error', (error) => {
        if (failed) return;
        failed = true;
        stopAll();
        reject(new LaunchError(rank, null, null, error.message));
      });
      child.on('exit', (code, signal) => {
        exitCodes[rank] = code ?? -1;
        if (!failed && code !== 0) {
          failed = true;
          stopAll();
          // Wait for the others to go, so the caller sees a clean state.
          Promise.all(
            children.map(
              (c) =>
                new Promise((r) =>
                  c.exitCode !== null || c.signalCode !== null ? r(null) : c.once('exit', r),
                ),
            ),
          ).then(() => reject(new LaunchError(rank, code, signal, stderrTails[rank]!.trim())));
          return;
        }
        if (!failed && exitCodes.filter((c) => c !== undefined).length === numProcesses) {
          resolve({ exitCodes: exitCodes as number[], stdout });
        }
      });
    }
  });
}
