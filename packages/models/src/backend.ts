/**
 * Picks the fastest TensorFlow.js backend that is installed and loads:
 * cuda (@ner/tfjs-backend-cuda), tfjs-node-gpu, tfjs-node, native
 * (@ner/tfjs-backend-native: its own GEMM kernels, OpenBLAS when linked), wasm,
 * then cpu. `NER_BACKEND` forces one. Packages are imported dynamically, so none
 * of them is required; the choice is logged once, on one line that says why.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from './errors.js';
import { assertOptionNames, type ListIsWhole, type UnlistedOptions } from './option-names.js';
import { importFromApplication } from './import-from-app.js';

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

const INIT_BACKEND_OPTION_NAMES = [
  'prefer',
  'log',
  'env',
] as const satisfies readonly (keyof InitBackendOptions)[];

/** A compile error here names an option to add to INIT_BACKEND_OPTION_NAMES. */
export const initBackendOptionNamesAreWhole: ListIsWhole<
  UnlistedOptions<InitBackendOptions, typeof INIT_BACKEND_OPTION_NAMES>
> = true;

/** The backend that was chosen. */
export interface BackendInfo {
  /** The package that provided it. */
  readonly choice: BackendChoice;
  /** `tf.getBackend()` afterwards: "tensorflow", "native", "wasm" or "cpu". */
  readonly backendName: string;
  /** Why earlier candidates were skipped (not installed, failed to load). */
  readonly skipped: readonly string[];
  /**
   * Why this one runs, as the log line says it: e.g. "AVX-512 GEMM, OpenBLAS not found",
   * "native unavailable: ...", "forced by NER_BACKEND".
   */
  readonly reason: string;
}

let chosen: Promise<BackendInfo> | null = null;

/**
 * A backend package is installed but cannot run here: addon not built, no GPU. Worth one notice,
 * unless `quiet`: a GPU backend on a machine with no GPU driver at all is not news.
 */
class BackendUnavailable extends Error {
  constructor(
    message: string,
    readonly quiet = false,
  ) {
    super(message);
  }
}

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

/** Whether an import failed because the package is not there (rather than failing to load). */
function isNotInstalled(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return true;
  // Bundlers and test runners resolve imports themselves and word it their way.
  const message = String((error as { message?: unknown } | null)?.message ?? '');
  return /^(Cannot find (package|module)|Could not resolve|Failed to (load|resolve) (url|import))/.test(
    message,
  );
}

/**
 * The cpu backend prints "Hi, looks like you are running TensorFlow.js in Node.js ... install our
 * node backend" on its first write. The advice is not ours to give (the log line says what runs
 * and why), so the banner goes, once: creating the cpu backend here and marking it used.
 */
function silenceCpuBanner(): void {
  if (!tf.findBackendFactory('cpu')) return;
  const cpu = tf.findBackend('cpu') as { firstUse?: boolean } | null;
  if (cpu && cpu.firstUse === true) cpu.firstUse = false;
}

/**
 * `import(specifier)` from here, else from the application (`importFromApplication`): in isolated
 * layouts @ner/models sees only its own dependencies, not the backends the application installed.
 */
async function importBackendPackage(specifier: string): Promise<unknown> {
  // A variable specifier: bundlers and type-checkers must not require the optional packages.
  const moduleName: string = specifier;
  try {
    return await import(moduleName);
  } catch (error) {
    if (!isNotInstalled(error)) throw error;
    const fromApplication = await importFromApplication(specifier);
    if (fromApplication === null) throw error;
    return fromApplication;
  }
}

/** Loads `choice` and makes it the active backend; returns what its package says about itself. */
async function tryBackend(choice: BackendChoice): Promise<string | null> {
  const { specifier, backendName } = PACKAGES[choice];
  const loaded = (await importBackendPackage(specifier)) as {
    nativeBackendInfo?: () => { available: boolean; reason: string | null; summary?: string | null };
    cudaReady?: Promise<{ available: boolean; reason?: string; noDriver?: boolean }>;
  };
  // @ner/tfjs-backend-native always imports; it says whether its addon was built.
  const info = loaded.nativeBackendInfo?.();
  if (info && !info.available) throw new BackendUnavailable(info.reason ?? 'its addon did not load');
  // @ner/tfjs-backend-cuda always imports too; its probe says whether a driver and a device answered.
  const cuda = loaded.cudaReady ? await loaded.cudaReady : null;
  if (cuda && !cuda.available) {
    const reason = cuda.reason ?? 'no CUDA device';
    throw new BackendUnavailable(reason, cuda.noDriver === true);
  }
  if (!tf.findBackendFactory(backendName)) {
    throw new Error(
      `${specifier} loaded but registered no "${backendName}" backend with this copy of @tensorflow/tfjs-core ` +
        '(install versions matching @tensorflow/tfjs-core so they share one copy)',
    );
  }
  silenceCpuBanner();
  const ok = await tf.setBackend(backendName);
  if (!ok) throw new Error(`tf.setBackend("${backendName}") failed`);
  await tf.ready();
  return info?.summary ?? null;
}

/** The hint for a run that ended on plain cpu although wasm would be ~3x faster. */
const WASM_HINT = `wasm not installed: add @tensorflow/tfjs-backend-wasm@${tf.version_core} for a ~3x faster fallback`;

async function choose(options: InitBackendOptions): Promise<BackendInfo> {
  const env = options.env ?? process.env;
  const forced = env.NER_BACKEND?.trim() ? normalizeChoice(env.NER_BACKEND) : null;
  const log = options.log === undefined ? (message: string) => console.error(message) : options.log;
  const skipped: string[] = [];
  const line = (reason: string) => `[@ner/models] TensorFlow.js backend: ${tf.getBackend()} (${reason})`;
  if (forced) {
    let summary: string | null;
    try {
      summary = await tryBackend(forced);
    } catch (error) {
      throw new BackendError(
        `NER_BACKEND=${env.NER_BACKEND} but ${PACKAGES[forced].specifier} cannot be used: ${(error as Error).message}`,
      );
    }
    const reason = summary ? `${summary}, forced by NER_BACKEND` : 'forced by NER_BACKEND';
    log?.(line(reason));
    return { choice: forced, backendName: tf.getBackend(), skipped, reason };
  }
  const order = options.prefer
    ? [options.prefer, ...BACKEND_PREFERENCE.filter((c) => c !== options.prefer)]
    : BACKEND_PREFERENCE;
  // Installed but unusable is worth saying, on the same one line. Not installed is said only for
  // what a CPU run should have: the native package (on wasm or cpu), and wasm (on the slower cpu).
  const notices: string[] = [];
  for (const choice of order) {
    try {
      const summary = await tryBackend(choice);
      const missing = (name: BackendChoice) => skipped.some((s) => s.startsWith(`${name}: not installed`));
      const parts = [
        ...(summary ? [summary] : []),
        ...notices,
        ...((choice === 'wasm' || choice === 'cpu') && missing('native')
          ? ['@ner/tfjs-backend-native not installed']
          : []),
        ...(choice === 'cpu' && missing('wasm') ? [WASM_HINT] : []),
        ...(options.prefer === choice ? ['preferred'] : []),
      ];
      const reason = parts.length > 0 ? parts.join('; ') : 'the first installed';
      log?.(line(reason));
      return { choice, backendName: tf.getBackend(), skipped, reason };
    } catch (error) {
      const message = (error as Error).message.split('\n')[0];
      skipped.push(`${choice}: ${isNotInstalled(error) ? `not installed (${message})` : message}`);
      // The folders a package searched stay in `skipped`; the line keeps the reason.
      if (error instanceof BackendUnavailable) {
        if (!error.quiet)
          notices.push(`${choice} unavailable: ${(message ?? '').replace(/ \(searched: .*\)$/, '')}`);
      } else if (!isNotInstalled(error)) notices.push(`${choice} failed: ${message}`);
    }
  }
  throw new BackendError(
    `No TensorFlow.js backend could be loaded. Install @tensorflow/tfjs-backend-cpu (or wasm / tfjs-node). Tried:\n  ${skipped.join('\n  ')}`,
  );
}

/**
 * Selects and initialises the best available backend (once per process; later
 * calls return the same result). Order: `NER_BACKEND` if set, else
 * `options.prefer`, then cuda, tfjs-node-gpu, tfjs-node, native, wasm, cpu. The
 * one log line says which backend runs and why, e.g.
 * `[@ner/models] TensorFlow.js backend: native (AVX-512 GEMM, OpenBLAS not found)`; when
 * @ner/tfjs-backend-native is installed but its addon is not built, it says why
 * and the next backend (wasm, when installed) is used. Also silences the cpu
 * backend's "install tfjs-node" banner.
 */
export function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  // `initBackend({ backend: 'cuda' })` would otherwise run on whatever comes first, without a word.
  // A rejection, not a throw: callers handle a Promise's failures in one place.
  try {
    assertOptionNames(
      options,
      { known: INIT_BACKEND_OPTION_NAMES, hint: 'the backend to try first is prefer' },
      (name, problem) => new BackendError(`initBackend: ${name ? `${name}: ` : ''}${problem}`),
    );
  } catch (error) {
    return Promise.reject(error);
  }
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
