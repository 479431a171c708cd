// Shared by the native-*.mjs benchmarks (not a benchmark itself: run.mjs only runs top-level files).
// Loads @ner/models' copy of @tensorflow/tfjs-core and switches it to one backend by name, saying
// why when a backend cannot be used, so a bench can print "not available: <reason>" for it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bertModelAndOptimizer } from '../bert-training-setup.mjs';

export const benchDir = dirname(dirname(fileURLToPath(import.meta.url)));
export const repoRoot = join(benchDir, '..', '..');
export const peersDir = join(benchDir, 'peers');

export const models = await import(pathToFileURL(join(repoRoot, 'packages/models/dist/index.js')).href);
// tfjs-core and the backends resolve from the models package, so they share its tfjs-core instance.
const modelsRequire = createRequire(join(repoRoot, 'packages/models/package.json'));
export const tf = await import(pathToFileURL(modelsRequire.resolve('@tensorflow/tfjs-core')).href);

const NATIVE_PACKAGE = '@ner/tfjs-backend-native';

/** Imports the native backend package from wherever it can be found; returns why not otherwise. */
async function importNative() {
  const errors = [];
  // 1. The way users get it: @ner/models' initBackend with NER_BACKEND=native.
  try {
    models.resetBackendChoice?.();
    await models.initBackend({ env: { NER_BACKEND: 'native' }, log: null });
    if (tf.findBackendFactory('native')) return null;
    errors.push('initBackend(NER_BACKEND=native) registered no "native" backend');
  } catch (error) {
    errors.push(`initBackend(NER_BACKEND=native): ${firstLine(error)}`);
  } finally {
    models.resetBackendChoice?.();
  }
  // 2. The package itself, resolved from @ner/models, from the repo root, or its built dist/.
  const candidates = [];
  for (const from of [join(repoRoot, 'packages/models/package.json'), join(repoRoot, 'package.json')]) {
    try {
      candidates.push(createRequire(from).resolve(NATIVE_PACKAGE));
    } catch {}
  }
  const dist = join(repoRoot, 'packages/tfjs-backend-native/dist/index.js');
  if (existsSync(dist)) candidates.push(dist);
  if (candidates.length === 0) {
    errors.push(`${NATIVE_PACKAGE} is not installed (no packages/tfjs-backend-native/dist)`);
  }
  for (const file of [...new Set(candidates)]) {
    try {
      const mod = await import(pathToFileURL(file).href);
      // Some builds register on import, others export a register function.
      for (const fn of ['registerNativeBackend', 'register', 'registerBackend']) {
        if (!tf.findBackendFactory('native') && typeof mod[fn] === 'function') await mod[fn]?.();
      }
      if (tf.findBackendFactory('native')) return null;
      const why = typeof mod.nativeBackendInfo === 'function' ? mod.nativeBackendInfo()?.reason : undefined;
      errors.push(
        why
          ? `${NATIVE_PACKAGE}: ${why}`
          : `${file} loaded but registered no "native" backend with @ner/models' tfjs-core`,
      );
    } catch (error) {
      errors.push(`${file}: ${firstLine(error)}`);
    }
  }
  return errors.join('; ');
}

function firstLine(error) {
  return String(error?.message ?? error).split('\n')[0];
}

/**
 * Makes `name` ('native', 'wasm', 'cpu') the active tfjs backend.
 * Returns `{ ok: true }` or `{ ok: false, reason }`.
 */
export async function useBackend(name) {
  try {
    if (!tf.findBackendFactory(name)) {
      if (name === 'native') {
        const reason = await importNative();
        if (reason) return { ok: false, reason };
      } else {
        await import(pathToFileURL(modelsRequire.resolve(`@tensorflow/tfjs-backend-${name}`)).href);
      }
    }
    if (!(await tf.setBackend(name))) return { ok: false, reason: `tf.setBackend("${name}") failed` };
    await tf.ready();
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: firstLine(error) };
  }
}

/** An env var, trimmed; undefined when unset or empty (bench settings are not build inputs for turbo). */
export function envString(name) {
  const value = process.env[name]?.trim();
  return value ? value : undefined;
}

/** One line about the native backend (threads, BLAS) from its nativeBackendInfo(), when it loads. */
export async function describeNative() {
  try {
    // The ESM build, as @ner/models' dynamic import loads it (same module instance).
    const pkg = modelsRequire.resolve(`${NATIVE_PACKAGE}/package.json`);
    const mod = await import(pathToFileURL(join(dirname(pkg), 'dist', 'index.js')).href);
    const info = mod.nativeBackendInfo?.();
    if (!info) return 'native: no nativeBackendInfo()';
    return info.available
      ? `native: ${NATIVE_PACKAGE}, ${info.threads} threads, ${info.blas ?? 'BLAS unknown'}`
      : `native: unavailable: ${info.reason}`;
  } catch (error) {
    return `native: ${firstLine(error)}`;
  }
}

/** Comma-separated env list, or the default. */
export function envList(name, fallback) {
  const value = process.env[name]?.trim();
  return (value ? value : fallback)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function envNumber(name, fallback) {
  const value = process.env[name]?.trim();
  if (!value) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}=${value} is not a positive number`);
  return n;
}

export const coreCount = cpus().length;

/**
 * Runs a command, returns its stdout parsed as the JSON of its last line, or throws with its stderr.
 * Used for the Python peers and for one-backend-per-process workers.
 */
export function runJson(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', (error) => reject(new Error(`${command}: ${error.message}`)));
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) {
        reject(
          new Error(
            `${command} ${args.join(' ')} exited ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`,
          ),
        );
        return;
      }
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`${command} printed no JSON result: ${last.slice(0, 200)} ${err.slice(-300)}`));
      }
    });
  });
}

/**
 * The Python interpreter for a peer: env var `envName` if given and set, else the first of
 * `candidates` that imports `module`. Returns `{ python, reason }`.
 */
export async function findPython(envName, module, candidates = ['python3', '/usr/bin/python3']) {
  const forced = envName ? envString(envName) : undefined;
  const list = forced ? [forced] : candidates;
  const reasons = [];
  for (const python of list) {
    try {
      await runJson(python, ['-c', `import json, ${module}; print(json.dumps(1))`]);
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

export const fmt = (value, digits = 1, width = 8) =>
  value === undefined || value === null || Number.isNaN(value)
    ? '-'.padStart(width)
    : value.toFixed(digits).padStart(width);

export { benchTokenBatch } from './token-batch.mjs';

/** bert-base's sizes with CoNLL-2003's 9 labels: the step bench's and the profiler's model. */
export { BERT_BASE } from '../bert-training-setup.mjs';

/**
 * A seeded BertForTokenClassification of bert-base size with `layers` encoder layers, and the
 * @ner/trainer AdamW (lr 5e-5) over the Trainer's two weight-decay groups.
 */
export async function bertBaseTraining(layers) {
  const trainer = await import(pathToFileURL(join(repoRoot, 'packages/trainer/dist/index.js')).href);
  return bertModelAndOptimizer({ models, trainer }, layers);
}
