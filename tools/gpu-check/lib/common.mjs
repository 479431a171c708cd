// Helpers shared by the GPU checks (tools/gpu-check/checks/*.mjs) and the CUDA benches
// (tools/bench/cuda-*.mjs). No package imports here: this file runs the same in the repo and
// inside the bundles that tools/gpu-check/pack.sh builds.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const coreCount = cpus().length;

/** An env var, trimmed; undefined when unset or empty. */
export function envString(name) {
  const value = process.env[name]?.trim();
  return value ? value : undefined;
}

/** Comma-separated env list, or the default. */
export function envList(name, fallback) {
  return (envString(name) ?? fallback)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A positive number from the environment, or the default. */
export function envNumber(name, fallback) {
  const value = envString(name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}=${value} is not a positive number`);
  return n;
}

export function firstLine(error) {
  return String(error?.message ?? error).split('\n')[0];
}

export const fmt = (value, digits = 1, width = 8) =>
  value === undefined || value === null || Number.isNaN(value)
    ? '-'.padStart(width)
    : value.toFixed(digits).padStart(width);

export function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/**
 * Where the Python peers are: `NER_BENCH_PEERS_DIR`, else tools/bench/peers found from this file
 * (in the repo) or from the working directory (inside a bundle, run from the repo root).
 */
export function peersDir() {
  const forced = envString('NER_BENCH_PEERS_DIR');
  if (forced) return resolve(forced);
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, '..', '..', 'bench', 'peers'), resolve('tools', 'bench', 'peers')]) {
    if (existsSync(join(candidate, 'torch_gemm.py'))) return candidate;
  }
  return join(here, '..', '..', 'bench', 'peers');
}

/**
 * Runs CUDA peer `script` (in peersDir()) with `python` and `args`; resolves its JSON line, or
 * `{ failed }` with the error's first line. With NER_BENCH_CUDA_PEERS_ON_CPU=1, which the GPU
 * check's rehearsal on the fake device sets, the peer runs through run_on_cpu.py: on the CPU, with
 * torch.cuda stood in for, so that the peer and what the bench builds from its output run without
 * a GPU. Its numbers then mean nothing, and the result says so (`cpuStandIn: true`).
 */
export async function runCudaPeer(python, script, args, timeoutMs) {
  const onCpu = envString('NER_BENCH_CUDA_PEERS_ON_CPU') === '1';
  const runner = onCpu ? [join(peersDir(), 'run_on_cpu.py')] : [];
  const result = await runJson(python, ['-B', ...runner, join(peersDir(), script), ...args], {
    timeoutMs,
  }).catch((error) => ({ failed: firstLine(error) }));
  if (onCpu) result.cpuStandIn = true;
  return result;
}

/**
 * The shared fixtures folder: `NER_SHARED_DIR` (run.sh points it at the payload's copy), else
 * `../shared` beside the repository (found from this file, else from the working directory). Throws a clear error naming a missing file.
 */
export function sharedPath(...parts) {
  const fromFile = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'shared');
  const base = envString('NER_SHARED_DIR') ?? (existsSync(fromFile) ? fromFile : resolve('..', 'shared'));
  const path = join(base, ...parts);
  if (!existsSync(path)) {
    throw new Error(
      `shared fixture not found: ${path} (set NER_SHARED_DIR to the folder holding data/ and oracle/)`,
    );
  }
  return path;
}

/** Words of every sentence of a CoNLL file (-DOCSTART- skipped). */
export function conllSentences(split) {
  const text = readFileSync(sharedPath('data', 'conll2003', `${split}.txt`), 'utf8');
  const sentences = [];
  let words = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      if (words.length > 0) sentences.push(words);
      words = [];
    } else if (!line.startsWith('-DOCSTART-')) {
      words.push(line.split(' ')[0]);
    }
  }
  if (words.length > 0) sentences.push(words);
  return sentences;
}

/** Seeded float32 values in [-1, 1) (an LCG: the same on every machine). */
export function randomArray(size, seed) {
  let state = seed >>> 0;
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

/** Euclidean norm in float64. */
export function norm(values) {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] * values[i];
  return Math.sqrt(sum);
}

/**
 * How far `actual` is from `expected`: `normRel` = ||a - e|| / ||e|| (the pass criterion; it is
 * not thrown off by single near-zero entries after cancellation), `maxAbs`, and `maxRel` =
 * max |a - e| / (1e-6 + |e|) for information. NaN and infinities must sit at the same places.
 */
export function compareValues(actual, expected) {
  if (actual.length !== expected.length) {
    return { normRel: Number.POSITIVE_INFINITY, maxAbs: Number.NaN, maxRel: Number.NaN, mismatch: 'length' };
  }
  let diff2 = 0;
  let ref2 = 0;
  let maxAbs = 0;
  let maxRel = 0;
  let specialMismatch = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (!Number.isFinite(e) || !Number.isFinite(a)) {
      if (!(Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)))) specialMismatch += 1;
      continue;
    }
    const d = Math.abs(a - e);
    diff2 += d * d;
    ref2 += e * e;
    if (d > maxAbs) maxAbs = d;
    const r = d / (1e-6 + Math.abs(e));
    if (r > maxRel) maxRel = r;
  }
  const normRel =
    specialMismatch > 0 ? Number.POSITIVE_INFINITY : Math.sqrt(diff2) / Math.max(Math.sqrt(ref2), 1e-30);
  return { normRel: diff2 === 0 ? 0 : normRel, maxAbs, maxRel, specialMismatch };
}

/**
 * Runs a command; resolves with its stdout's last line parsed as JSON, or rejects with the end of
 * its stderr. Used for the Python peers and one-column-per-process workers.
 */
export function runJson(command, args, options = {}) {
  const { timeoutMs, ...spawnOptions } = options;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...spawnOptions });
    let out = '';
    let err = '';
    const timer = timeoutMs
      ? setTimeout(() => {
          err += `\n(killed after ${timeoutMs} ms)`;
          child.kill('SIGKILL');
        }, timeoutMs)
      : null;
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
      if (process.env.NER_GPU_CHECK_ECHO_STDERR === '1') process.stderr.write(d);
    });
    child.on('error', (error) => reject(new Error(`${command}: ${error.message}`)));
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) {
        reject(
          new Error(
            `${command} ${args.join(' ').slice(0, 200)} exited ${code}: ${err.trim().split('\n').slice(-4).join(' | ')}`,
          ),
        );
        return;
      }
      try {
        resolvePromise(JSON.parse(last));
      } catch {
        reject(new Error(`${command} printed no JSON result: ${last.slice(0, 200)} ${err.slice(-300)}`));
      }
    });
  });
}

/**
 * The Python interpreter for a peer: env var `envName` if set, else the first of `candidates`
 * that imports `module`. Returns `{ python, reason }`.
 */
export async function findPython(envName, module, candidates = ['python3', '/usr/bin/python3']) {
  const forced = envName ? envString(envName) : undefined;
  const reasons = [];
  for (const python of forced ? [forced] : candidates) {
    try {
      await runJson(python, ['-c', `import json, ${module}; print(json.dumps(1))`], { timeoutMs: 60000 });
      return { python, reason: null };
    } catch (error) {
      reasons.push(`${python}: ${firstLine(error).slice(0, 160)}`);
    }
  }
  return {
    python: null,
    reason: `no Python with ${module} (${reasons.join('; ')})${envName ? `; set ${envName}` : ''}`,
  };
}

/**
 * Writes `value` as JSON to the file named by `--json <file>` on the command line or by
 * `NER_BENCH_JSON`, when either is given (the GPU check collects every step's results so).
 * Written to a temporary name and renamed, so a killed step never leaves half a file.
 */
export function writeJsonResult(value) {
  const index = process.argv.indexOf('--json');
  const file = index > 0 ? process.argv[index + 1] : envString('NER_BENCH_JSON');
  if (!file) return;
  const text = JSON.stringify(
    value,
    (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v),
    1,
  );
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

/** A promise that rejects after `ms` with a message naming `what` (keeps one hung case from eating a step). */
export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
