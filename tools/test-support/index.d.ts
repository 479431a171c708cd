/** Absolute path of the shared folder (not checked). */
export declare const sharedDir: string;
/** Absolute path under the shared fixtures; throws a clear error when missing. */
export declare function sharedPath(...parts: string[]): string;
/** The repository root. */
export declare const repoRoot: string;
/** A uniform generator in [0, 1) from a 32-bit seed (mulberry32): the same sequence everywhere. */
export declare function mulberry32(seed: number): () => number;
/** `size` float32 values uniform in [low, high) (default [-2, 2)), drawn from `random`. */
export declare function uniformFloat32(
  random: () => number,
  size: number,
  low?: number,
  high?: number,
): Float32Array;
/** BertConfig sizes of the tiny test BERT (vocab 40, hidden 16, 2 heads, intermediate 20, 16 positions). */
export declare function tinyBertSizes(numHiddenLayers?: number): {
  vocabSize: number;
  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  intermediateSize: number;
  maxPositionEmbeddings: number;
};
/** DistilBertConfig sizes of the tiny test DistilBERT (the same sizes). */
export declare function tinyDistilBertSizes(nLayers?: number): {
  vocabSize: number;
  dim: number;
  nLayers: number;
  nHeads: number;
  hiddenDim: number;
  maxPositionEmbeddings: number;
};
/** Two padded sentences of a token-classification batch with Python's keys. */
export declare function tinyTokenBatch(): {
  input_ids: number[][];
  attention_mask: number[][];
  labels: number[][];
};
/** Elementwise float binary ops with broadcasting that every backend kernel covers (tfjs names). */
export declare const FLOAT_BINARY_OPS: readonly string[];
/** Broadcasting comparisons with bool output (tfjs names). */
export declare const COMPARE_OPS: readonly string[];
/** `[name, tf[name]]` for each name, typed as binary tensor ops; throws for an op tfjs lacks. */
export declare function opsByName<T>(tf: object, names: readonly string[]): [string, (a: T, b: T) => T][];
/** The first ```ts block of the README at `readmePath`; throws naming the file when it has none. */
export declare function readmeSnippet(readmePath: string): string;
/**
 * `expr; // literal` (or `expr;` then a line `// [literal]`; a trailing ` (prose)` after the
 * literal is dropped) becomes `expect(expr).toEqual(literal)`; `checks` counts the assertions.
 */
export declare function withAssertions(code: string): { code: string; checks: number };
/** Writes `code` beside the test in `testDir` (vitest's `expect` imported), imports it, removes it. */
export declare function runSnippet(testDir: string, code: string): Promise<void>;
/** A fresh folder under the system temp folder, removed by the next {@link removeTempDirs}. */
export declare function makeTempDir(prefix: string): string;
/** Removes every folder made by {@link makeTempDir} so far (call from `afterEach` or `afterAll`). */
export declare function removeTempDirs(): void;
/** Aliases from the package's own name and export subpaths (package.json beside `configUrl`) to its src/ files. */
export declare function selfAliases(configUrl: string): { find: RegExp; replacement: string }[];
/**
 * A package's vitest project: named after the package, tests in src/ and test/, and its own name
 * (and export subpaths) resolved to its sources so README snippets run as written. Pass
 * `import.meta.url` of the package's vitest.config.ts; `options.test` and `options.resolve.alias` add to it.
 */
export declare function packageVitestConfig(
  configUrl: string,
  options?: import('vitest/config').UserWorkspaceConfig & {
    resolve?: { alias?: { find: string | RegExp; replacement: string }[] };
  },
): import('vitest/config').UserWorkspaceConfig;
/**
 * Imports each specifier through the test's resolver and lists every `specifier#export` whose value
 * differs from the source module given for it (`specifier#(no exports)` for an empty one).
 */
export declare function selfAliasMismatches(modulesBySpecifier: Record<string, object>): Promise<string[]>;
/** The switch a full-disk test flips: writeFile fails for each path where `failWhen` returns true. */
export interface FullDisk {
  failWhen?: ((path: string) => boolean) | undefined;
}
/**
 * Node's ENOSPC error for a write; `namePath` puts the path in the message and on `path`
 * (a failed `write` call names none).
 */
export declare function enospcError(
  path: string,
  namePath?: boolean,
): Error & { code: 'ENOSPC'; errno: number; syscall: 'write'; path?: string };
/**
 * `actual` (the real `node:fs/promises`) with a writeFile that rejects with {@link enospcError} while
 * `disk.failWhen(path)` is true; use in `vi.mock('node:fs/promises', ...)` with a `vi.hoisted` switch.
 */
export declare function fullDiskFsPromises<T extends { writeFile: unknown }>(
  actual: T,
  disk: FullDisk,
  options?: { namePath?: boolean },
): T;
/**
 * The `inputs.json` of a Python oracle model (`../shared/oracle/models/<name>/`): the batch Python
 * fed the model, with its keys, and the dtype its labels had there.
 */
export interface OracleBatch {
  input_ids: number[][];
  attention_mask: number[][];
  token_type_ids?: number[][];
  /** `[B, T]` token labels, or `[B]` class ids / regression targets. */
  labels: number[][] | number[];
  labels_dtype: 'int64' | 'float32';
}

/** The tensor shapes of {@link adamwMultiSuite}'s cases (odd sizes, rank 3, one element, empty). */
export declare const ADAMW_MULTI_SHAPES: number[][];
/** What a shared backend suite takes from the test file that runs it (this package imports neither). */
export interface SuiteDeps {
  /** `@tensorflow/tfjs-core`, with the backend active. */
  readonly tf: typeof import('@tensorflow/tfjs-core');
  /** vitest's `describe`, `it`, `expect` and `vi`. */
  readonly vitest: {
    describe: typeof import('vitest').describe;
    it: typeof import('vitest').it;
    expect: typeof import('vitest').expect;
    vi: typeof import('vitest').vi;
  };
  /** The outer `describe` (for example one that skips without the backend); default vitest's. */
  readonly describe?: (name: string, body: () => void) => void;
  readonly backendName: string;
}
/** What {@link adamwMultiSuite} needs from the backend's tests. */
export interface AdamWMultiSuiteOptions extends SuiteDeps {
  /** The kernel names: `NerAdamW` and `NerAdamWMulti`. */
  readonly kernels: { readonly single: string; readonly multi: string };
  /** The contract's `AdamWMultiInputError` as the backend exports it. */
  readonly InputError: abstract new (
    ...args: never[]
  ) => Error;
  /** Bytes the backend holds for tensors now. */
  readonly bytesInUse: () => number;
  /** Starts counting the backend's device steps; `done()` stops and gives the count (null: not countable here). */
  readonly watchSteps: () => { done(): number | null };
  /** Device steps an in-place call over {@link ADAMW_MULTI_SHAPES} takes. */
  readonly inPlaceSteps: number;
}
/**
 * The NerAdamWMulti suite every backend that registers it runs: N NerAdamW steps in one call, bit
 * for bit (in place and not), device steps counted, hostile calls refused before any write.
 */
export declare function adamwMultiSuite(options: AdamWMultiSuiteOptions): void;
/** What {@link trainerAdamWMultiSuite} needs from the backend's tests. */
export interface TrainerAdamWMultiSuiteOptions extends SuiteDeps {
  /** `@ner/trainer`'s AdamW class. */
  readonly AdamW: new (
    groups: {
      params: [string, import('@tensorflow/tfjs-core').Variable][];
      weightDecay?: number;
      lr?: number;
    }[],
    defaults: { lr?: number },
  ) => {
    step(
      grads: Map<string, import('@tensorflow/tfjs-core').Tensor>,
      options?: { gradMultiplier?: import('@tensorflow/tfjs-core').Tensor },
    ): void;
    stateDict(): {
      state: Record<
        string,
        { step: number; expAvg: { data: Float32Array }; expAvgSq: { data: Float32Array } }
      >;
    };
    dispose(): void;
  };
  /** `NerAdamWMulti`. */
  readonly multiKernel: string;
  /** Starts counting one optimizer step's device steps; `done()` gives the count (null: not countable). */
  readonly stepLaunches?: () => { done(): number | null };
}
/** @ner/trainer's AdamW with and without NerAdamWMulti on one backend: the same bits, one call per step. */
export declare function trainerAdamWMultiSuite(options: TrainerAdamWMultiSuiteOptions): void;

/** A training-parity row: token ids with [CLS]/[SEP] and labels (-100 on both). */
export interface ParityRow {
  input_ids: number[];
  labels: number[];
}
/** The 48 training rows of {@link parityTrainingRun} (18 steps in 3 epochs of 8). */
export declare const PARITY_TRAIN_ROWS: ParityRow[];
/** Its 20 evaluation rows. */
export declare const PARITY_EVAL_ROWS: ParityRow[];
/** Pads a batch to its longest row (id 0, mask 0, label -100), as DataCollatorForTokenClassification does. */
export declare function parityCollate(
  batch: ParityRow[],
): Record<'input_ids' | 'attention_mask' | 'labels', { data: Int32Array; shape: number[]; dtype: 'int32' }>;
/** What {@link parityTrainingRun} gives. */
export interface ParityRun {
  /** Per optimizer step: the logged loss (4 decimals, as Python logs it) and the gradient norm before clipping. */
  losses: number[];
  gradNorms: number[];
  /** Every parameter after training, in namedParameters() order. */
  parameters: { name: string; data: Float32Array }[];
  evalLoss: number;
  /** Argmax label of every evaluated token (padding included; labels -100 are not compared). */
  predictions: Int32Array;
}
/**
 * Three epochs of `Trainer` on the active backend (18 steps), or `maxSteps`, fine-tuning a seeded
 * 2-layer BERT or DistilBERT (hidden 48, intermediate 320) on {@link PARITY_TRAIN_ROWS}; then a
 * prediction on {@link PARITY_EVAL_ROWS}.
 */
export declare function parityTrainingRun(options: {
  tf: typeof import('@tensorflow/tfjs-core');
  /** `@ner/models` (its BERT and DistilBERT token classifiers and configs). */
  models: unknown;
  /** `@ner/trainer`'s Trainer class. */
  Trainer: unknown;
  outputDir: string;
  arch: 'bert' | 'distilbert';
  dropout?: number;
  maxSteps?: number;
  bf16?: boolean;
}): Promise<ParityRun>;
/** How far two runs are apart (see the fields). */
export interface ParityComparison {
  /** Steps of each run. */
  steps: [number, number];
  /** The largest difference of the logged losses. */
  lossMaxDiff: number;
  /** Relative errors of the grad norms (worst step) and the eval loss. */
  gradNormError: number;
  evalLossError: number;
  /**
   * The final weights' largest difference relative to the largest weight, and its parameter; the
   * attention key biases (a gradient of exactly zero in exact arithmetic: rounding noise, which
   * AdamW turns into steps) apart, in `keyBiasError`, which {@link parityHolds} does not judge.
   */
  weightError: number;
  worstParameter: string | null;
  keyBiasError: number;
  /** The share of labelled evaluation tokens predicted differently. */
  predictionMismatch: number;
}
export declare function compareParityRuns(actual: ParityRun, expected: ParityRun): ParityComparison;
/** Whether a comparison holds: `steps` each, logged losses within 1.5e-4, the rest within tolerance. */
export declare function parityHolds(
  comparison: ParityComparison,
  limits: { steps: number; tolerance: number; weightTolerance?: number },
): boolean;
