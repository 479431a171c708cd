/**
 * Picks the fastest TensorFlow.js backend that is installed and loads:
 * tfjs-node-gpu (CUDA), tfjs-node (libtensorflow CPU), native
 * (@ner/tfjs-backend-native: OpenBLAS and multi-threaded kernels), wasm, then cpu.
 * `NER_BACKEND` forces one. Packages are imported dynamically, so none of
 * them is required; the choice is logged once.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from './errors.js';

/** Backends in order of preference. `tensorflow` is what tfjs-node and tfjs-node-gpu register. */
export type BackendChoice = 'cuda' | 'tfjs-node-gpu' | 'tfjs-node' | 'native' | 'wasm' | 'cpu';

export const BACKEND_PREFERENCE: readonly BackendChoice[] = [
  'cuda',
  'tfjs-node-gpu',
  'tfjs-node',
  'native',
  'wasm',
  'cpu',
];

const PACKAGES: Record<BackendChoice, { specifier: string; backendName: string }> = {
  cuda: { specifier: '@ner/tfjs-backend-cuda', backendName: 'cuda' },
  'tfjs-node-gpu': { specifier: '@tensorflow/tfjs-node-gpu', backendName: 'tensorflow' },
  'tfjs-node': { specifier: '@tensorflow/tfjs-node', backendName: 'tensorflow' },
  native: { specifier: '@ner/tfjs-backend-native', backendName: 'native' },
  wasm: { specifier: '@tensorflow/tfjs-backend-wasm', backendName: 'wasm' },
  cpu: { specifier: '@tensorflow/tfjs-backend-cpu', backendName: 'cpu' },
};

/** Options of `initBackend`. */
export interface InitBackendOptions {
  /** Try this one first (then the usual order), unless `NER_BACKEND` is set. */
  readonly prefer?: BackendChoice;
  /** Where the one-line choice goes; default `console.error` (keeps stdout clean). `null` silences it. */
  readonly log?: ((message: string) => void) | null;
  /** Environment to read `NER_BACKEND` from (default `process.env`). */
  readonly env?: Record<string, string | undefined>;
}

/** The backend that was chosen. */
export interface BackendInfo {
  /** The package that provided it. */
  readonly choice: BackendChoice;
  /** `tf.getBackend()` afterwards: "tensorflow", "native", "wasm" or "cpu". */
  readonly backendName: string;
  /** Why earlier candidates were skipped (not installed, failed to load). */
  readonly skipped: readonly string[];
}

let chosen: Promise<BackendInfo> | null = null;

/** A backend package is installed but cannot run here: addon not built, no GPU (worth one notice). */
class BackendUnavailable extends Error {}

function normalizeChoice(value: string): BackendChoice {
  const aliases: Record<string, BackendChoice> = {
    cuda: 'cuda',
    'tfjs-backend-cuda': 'cuda',
    nvidia: 'cuda',
    'tfjs-node-gpu': 'tfjs-node-gpu',
    'node-gpu': 'tfjs-node-gpu',
    gpu: 'tfjs-node-gpu',
    'tfjs-node': 'tfjs-node',
    node: 'tfjs-node',
    tensorflow: 'tfjs-node',
    native: 'native',
    'tfjs-backend-native': 'native',
    openblas: 'native',
    wasm: 'wasm',
    cpu: 'cpu',
  };
  const choice = aliases[value.trim().toLowerCase()];
  if (!choice) {
    throw new BackendError(
      `NER_BACKEND="${value}" is not one of cuda, tfjs-node-gpu, tfjs-node, native, wasm, cpu.`,
    );
  }
  return choice;
}

async function tryBackend(choice: BackendChoice): Promise<void> {
  const { specifier, backendName } = PACKAGES[choice];
  // A variable specifier: bundlers and type-checkers must not require the optional packages.
  const moduleName: string = specifier;
  const loaded = (await import(moduleName)) as {
    nativeBackendInfo?: () => { available: boolean; reason: string | null };
    cudaReady?: Promise<{ available: boolean; reason?: string }>;
  };
  // @ner/tfjs-backend-native always imports; it says whether its addon was built.
  const info = loaded.nativeBackendInfo?.();
  if (info && !info.available) throw new BackendUnavailable(info.reason ?? 'its addon did not load');
  // @ner/tfjs-backend-cuda always imports too; its probe says whether a driver and a device answered.
  const cuda = loaded.cudaReady ? await loaded.cudaReady : null;
  if (cuda && !cuda.available) throw new BackendUnavailable(cuda.reason ?? 'no CUDA device');
  if (!tf.findBackendFactory(backendName)) {
    throw new Error(
      `${specifier} loaded but registered no "${backendName}" backend with this copy of @tensorflow/tfjs-core ` +
        '(install versions matching @tensorflow/tfjs-core so they share one copy)',
    );
  }
  const ok = await tf.setBackend(backendName);
  if (!ok) throw new Error(`tf.setBackend("${backendName}") failed`);
  await tf.ready();
}

async function choose(options: InitBackendOptions): Promise<BackendInfo> {
  const env = options.env ?? process.env;
  const forced = env.NER_BACKEND?.trim() ? normalizeChoice(env.NER_BACKEND) : null;
  const log = options.log === undefined ? (message: string) => console.error(message) : options.log;
  const skipped: string[] = [];
  if (forced) {
    try {
      await tryBackend(forced);
    } catch (error) {
      throw new BackendError(
        `NER_BACKEND=${env.NER_BACKEND} but ${PACKAGES[forced].specifier} cannot be used: ${(error as Error).message}`,
      );
    }
    log?.(`[@ner/models] TensorFlow.js backend: ${tf.getBackend()} (${forced}, forced by NER_BACKEND)`);
    return { choice: forced, backendName: tf.getBackend(), skipped };
  }
  const order = options.prefer
    ? [options.prefer, ...BACKEND_PREFERENCE.filter((c) => c !== options.prefer)]
    : BACKEND_PREFERENCE;
  let notice = '';
  for (const choice of order) {
    try {
      await tryBackend(choice);
      log?.(`[@ner/models] TensorFlow.js backend: ${tf.getBackend()} (${choice}${notice})`);
      return { choice, backendName: tf.getBackend(), skipped };
    } catch (error) {
      const reason = (error as Error).message.split('\n')[0];
      skipped.push(`${choice}: ${reason}`);
      // Installed but not built is worth saying, on the same one line; not installed is not.
      if (error instanceof BackendUnavailable) notice += `; ${choice} unavailable: ${reason}`;
    }
  }
  throw new BackendError(
    `No TensorFlow.js backend could be loaded. Install @tensorflow/tfjs-backend-cpu (or wasm / tfjs-node). Tried:\n  ${skipped.join('\n  ')}`,
  );
}

/**
 * Selects and initialises the best available backend (once per process; later
 * calls return the same result). Order: `NER_BACKEND` if set, else
 * `options.prefer`, then cuda, tfjs-node-gpu, tfjs-node, native, wasm, cpu. When
 * @ner/tfjs-backend-native is installed but its addon is not built, the one
 * log line says so and the next backend (wasm) is used.
 */
export function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  if (!chosen) {
    chosen = choose(options).catch((error) => {
      chosen = null;
      throw error;
    });
  }
  return chosen;
}

/** Forgets the cached choice so the next `initBackend` chooses again (tests, benchmarks). */
export function resetBackendChoice(): void {
  chosen = null;
}
