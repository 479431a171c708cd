// The tfjs backends the model-running oracle tests compare on, and a describe() per backend.
import '@tensorflow/tfjs-backend-cpu';
import { initBackend, resetBackendChoice } from '@ner/models';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe } from 'vitest';

/** The backends the model-running oracle tests use. */
export type OracleBackend = 'cpu' | 'wasm' | 'native';

/**
 * cpu and wasm always; native when @ner/models can load it (its addon is built). Under CI native
 * stays in the list even when it does not load, so those tests fail instead of disappearing.
 */
export async function oracleBackends(): Promise<OracleBackend[]> {
  try {
    await useBackend('native');
    return ['cpu', 'wasm', 'native'];
  } catch (error) {
    if (process.env.CI) return ['cpu', 'wasm', 'native'];
    console.warn(`[@ner/pipeline tests] native backend left out: ${(error as Error).message.split('\n')[0]}`);
    return ['cpu', 'wasm'];
  } finally {
    await restoreCpu();
  }
}

/**
 * Makes `backend` the one `initBackend` (and so `pipeline()`) uses, whatever NER_BACKEND the
 * test config sets, and checks it took.
 */
export async function useBackend(backend: OracleBackend): Promise<void> {
  resetBackendChoice();
  const info = await initBackend({ env: { NER_BACKEND: backend }, log: null });
  if (info.backendName !== backend || tf.getBackend() !== backend)
    throw new Error(`asked for the ${backend} backend, got ${info.backendName} (tf: ${tf.getBackend()})`);
}

/** {@link oracleBackends} for a test file, which goes back to cpu when it ends. */
export async function oracleSuiteBackends(): Promise<OracleBackend[]> {
  afterAll(restoreCpu);
  return oracleBackends();
}

/**
 * `describe(title)` once per {@link oracleSuiteBackends} backend (`%s` in `title` names it), with that
 * backend made current before the body's own `beforeAll` hooks run.
 */
export async function describeOnOracleBackends(
  title: string,
  body: (backend: OracleBackend) => void,
): Promise<void> {
  const backends = await oracleSuiteBackends();
  describe.each(backends)(title, (backend) => {
    beforeAll(() => useBackend(backend));
    body(backend);
  });
}

/** Back to cpu with no remembered backend choice. */
export async function restoreCpu(): Promise<void> {
  resetBackendChoice();
  await tf.setBackend('cpu');
}
