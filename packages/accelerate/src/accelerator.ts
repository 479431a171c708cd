import { join } from 'node:path';
import { DataLoader, type DataLoaderOptions, type HostTensor, type RowSource } from '@ner/collate';
import { withAutocast } from '@ner/models';
import {
  assertOptionNames,
  type ListIsWhole,
  type OptionNames,
  type UnlistedOptions,
} from '@ner/models/internal';
import * as tf from '@tensorflow/tfjs-core';
import { type ClippedGradients, clipGradNorm } from './clip-grad-norm.js';
import {
  type AcceleratedModel,
  isAcceleratedModel,
  isLrScheduler,
  isStatefulOptimizer,
  type LrScheduler,
  type StatefulOptimizer,
} from './contracts.js';
import { AccelerateError } from './errors.js';
import {
  concatHost,
  decodeHost,
  encodeHost,
  fromHost,
  type Gatherable,
  padHost,
  sliceRows,
  toHost,
} from './host-array.js';
import { accumulateGrads, nextSync, scaleGrads } from './grad-accumulation.js';
import { AcceleratedScheduler, type GradientState, type Prepared, PreparedDataLoader } from './prepared.js';
import { ProcessGroup } from './process-group/process-group.js';
import {
  assignCheckpointWeights,
  checkStateFits,
  readModelWeights,
  readStateDict,
  writeFolderAtomically,
  writeStateDict,
} from './state-files.js';

/** Options of {@link Accelerator}. */
export interface AcceleratorOptions {
  /** Use this process group instead of joining the one described by the environment. */
  processGroup?: ProcessGroup;
  /**
   * Step prepared schedulers once per process each `step()` (accelerate's
   * default, for schedules sized on the unsharded loader) [true].
   */
  stepSchedulerPerProcess?: boolean;
  /** Complete the last batch of sharded loaders with repeated samples [true]. */
  evenBatches?: boolean;
  /**
   * `'bf16'`: {@link Accelerator.computeGradients} and {@link Accelerator.autocast} run under bf16
   * autocast (`@ner/models`' `withAutocast`: matmuls on bf16-rounded operands, fp32 accumulation,
   * fp32 weights), as accelerate's `mixed_precision="bf16"`; `'no'`: fp32. fp16 and fp8 are not
   * offered. [`ACCELERATE_MIXED_PRECISION` (what `ner-launch --mixed-precision` sets), else `'no'`]
   */
  mixedPrecision?: MixedPrecision;
  /**
   * Micro-batches whose gradients {@link Accelerator.accumulate} sums before it hands them over
   * for one optimizer step (accelerate's `gradient_accumulation_steps`): each micro-batch's
   * gradients are divided by it, as accelerate's `backward` divides the loss, and processes
   * average them once per group. [`ACCELERATE_GRADIENT_ACCUMULATION_STEPS`, else 1]
   */
  gradientAccumulationSteps?: number;
}

/** Every option of {@link AcceleratorOptions}; the compiler checks the list is whole. */
const ACCELERATOR_OPTION_NAMES = [
  'processGroup',
  'stepSchedulerPerProcess',
  'evenBatches',
  'mixedPrecision',
  'gradientAccumulationSteps',
] as const satisfies readonly (keyof AcceleratorOptions)[];

/** A compile error here names an option to add to ACCELERATOR_OPTION_NAMES. */
export const acceleratorOptionNamesAreWhole: ListIsWhole<
  UnlistedOptions<AcceleratorOptions, typeof ACCELERATOR_OPTION_NAMES>
> = true;

const BACKEND_CHOSEN = 'tensors live on the active tfjs backend, which initBackend() chooses';

/** The names {@link Accelerator} takes, and accelerate's options it has none for, with why. */
const ACCELERATOR_OPTIONS: OptionNames = {
  known: ACCELERATOR_OPTION_NAMES,
  unsupported: {
    cpu: { reason: BACKEND_CHOSEN },
    devicePlacement: { reason: BACKEND_CHOSEN, harmless: [true] },
    splitBatches: { reason: 'each process loads its own shard of every batch', harmless: [false] },
    dispatchBatches: { reason: 'each process loads its own shard of every batch', harmless: [null, false] },
    logWith: { reason: 'no trackers; log with the Trainer (reportTo) or your own code', harmless: [null] },
    projectDir: { reason: 'saveState() and loadState() take the folder', harmless: [null] },
    rngTypes: { reason: 'set the seeds yourself before prepare()', harmless: [null] },
    kwargsHandlers: { reason: 'no kwargs handlers', harmless: [null] },
    deepspeedPlugin: { reason: 'only data parallel training', harmless: [null] },
    fsdpPlugin: { reason: 'only data parallel training', harmless: [null] },
    dynamoBackend: { reason: 'there is no graph compiler here', harmless: [null, 'no'] },
    stepSchedulerWithOptimizer: { reason: 'prepared schedulers step with the optimizer', harmless: [true] },
  },
};

/** What {@link AcceleratorOptions.mixedPrecision} takes. */
export type MixedPrecision = 'no' | 'bf16';

/** `mixedPrecision` as given, or from the environment as accelerate reads it; checked. */
function mixedPrecisionOf(option: unknown, env: NodeJS.ProcessEnv): MixedPrecision {
  const value = option ?? env.ACCELERATE_MIXED_PRECISION ?? 'no';
  if (value === 'no' || value === 'bf16') return value;
  const where = option === undefined ? 'ACCELERATE_MIXED_PRECISION' : 'mixedPrecision';
  throw new AccelerateError(
    `Accelerator: ${where} must be 'no' or 'bf16', got ${JSON.stringify(value)} (fp16 and fp8 are not supported: the tfjs backends here have no fp16 products; bf16 needs native or cuda)`,
  );
}

/** `gradientAccumulationSteps` as given, or from the environment as accelerate reads it; checked. */
function accumulationStepsOf(option: unknown, env: NodeJS.ProcessEnv): number {
  const raw = option ?? env.ACCELERATE_GRADIENT_ACCUMULATION_STEPS ?? 1;
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1) return value;
  const where = option === undefined ? 'ACCELERATE_GRADIENT_ACCUMULATION_STEPS' : 'gradientAccumulationSteps';
  throw new AccelerateError(`Accelerator: ${where} must be an integer >= 1, got ${JSON.stringify(raw)}`);
}

/**
 * 🤗 Accelerate's `Accelerator` for hand-written loops, data parallel over
 * processes started by `ner-launch` (or one process without it): shards
 * loaders, starts every process from rank 0's weights, averages gradients
 * every step (Gloo on CPU, NCCL on the `cuda` backend), and gathers / pads
 * tensors for metrics.
 *
 * @example
 * // AdamW from @ner/trainer; run with `ner-launch --nproc-per-node 2 train.mjs`.
 * const accelerator = new Accelerator();
 * const [model, optimizer, trainLoader] = await accelerator.prepare(model0, new AdamW(...), loader);
 * for (const batch of trainLoader) {
 *   const { loss, grads } = await accelerator.computeGradients(model, batch);
 *   optimizer.step(grads);
 * }
 */
export class Accelerator {
  readonly numProcesses: number;
  readonly processIndex: number;
  readonly localProcessIndex: number;
  private group: ProcessGroup | undefined;
  private joining: Promise<ProcessGroup> | undefined;
  private readonly stepSchedulerPerProcess: boolean;
  private readonly evenBatches: boolean;
  /** The precision of {@link computeGradients} and {@link autocast}: `'bf16'` or `'no'` (fp32). */
  readonly mixedPrecision: MixedPrecision;
  /** Micro-batches per optimizer step in {@link accumulate} (accelerate's `gradient_accumulation_steps`). */
  readonly gradientAccumulationSteps: number;
  private readonly gradientState: GradientState = {
    endOfDataloader: false,
    remainder: -1,
    syncGradients: true,
  };
  /** {@link accumulate}'s calls since the last group ended (accelerate's `Accelerator.step`). */
  private accumulationCount = 0;
  /** The sum of the current group's micro-batch gradients, not yet averaged over processes. */
  private pendingGrads: Map<string, tf.Tensor> | undefined;
  /** What `prepare` saw, in order: the contents of `saveState` / `loadState`. */
  private readonly registered = {
    models: [] as AcceleratedModel[],
    optimizers: [] as StatefulOptimizer[],
    schedulers: [] as LrScheduler[],
  };

  constructor(options: AcceleratorOptions = {}) {
    assertOptionNames(
      options,
      ACCELERATOR_OPTIONS,
      (name, problem) => new AccelerateError(`Accelerator: ${name ? `${name}: ` : ''}${problem}`),
    );
    this.group = options.processGroup;
    this.numProcesses = this.group?.worldSize ?? Number(process.env.WORLD_SIZE ?? '1');
    this.processIndex = this.group?.rank ?? Number(process.env.RANK ?? '0');
    this.localProcessIndex = Number(process.env.LOCAL_RANK ?? String(this.processIndex));
    if (!Number.isInteger(this.numProcesses) || this.numProcesses < 1) {
      throw new AccelerateError(
        `Accelerator: WORLD_SIZE must be a positive integer, got ${process.env.WORLD_SIZE}`,
      );
    }
    if (
      !Number.isInteger(this.processIndex) ||
      this.processIndex < 0 ||
      this.processIndex >= this.numProcesses
    ) {
      throw new AccelerateError(
        `Accelerator: RANK must be in [0, ${this.numProcesses}), got ${process.env.RANK}`,
      );
    }
    this.stepSchedulerPerProcess = options.stepSchedulerPerProcess ?? true;
    this.evenBatches = options.evenBatches ?? true;
    this.mixedPrecision = mixedPrecisionOf(options.mixedPrecision, process.env);
    this.gradientAccumulationSteps = accumulationStepsOf(options.gradientAccumulationSteps, process.env);
  }

  /**
   * Whether the last {@link accumulate} call ended its group: its gradients were averaged over
   * processes and returned, and the optimizer and scheduler step (accelerate's `sync_gradients`).
   * True before the first call, and always without accumulation.
   */
  get syncGradients(): boolean {
    return this.gradientState.syncGradients;
  }

  /**
   * Runs `fn` under this accelerator's autocast (`accelerator.autocast()` of accelerate): with
   * `mixedPrecision: 'bf16'` its matmuls run on bf16-rounded operands with fp32 accumulation;
   * with `'no'` it just runs `fn`. Synchronous, as the tfjs ops it covers.
   *
   * @throws `AutocastUnsupportedError` (from `@ner/models`) when bf16 was asked of a backend
   *   without bf16 matmuls.
   */
  autocast<T>(fn: () => T): T {
    return withAutocast(this.mixedPrecision === 'bf16' ? 'bf16' : null, fn);
  }

  get isMainProcess(): boolean {
    return this.processIndex === 0;
  }

  get isLocalMainProcess(): boolean {
    return this.localProcessIndex === 0;
  }

  /** The tfjs backend in use and this process's place in the run. */
  get device(): {
    backend: string;
    processIndex: number;
    numProcesses: number;
    cudaVisibleDevices: string | undefined;
  } {
    return {
      backend: tf.getBackend(),
      processIndex: this.processIndex,
      numProcesses: this.numProcesses,
      cudaVisibleDevices: process.env.CUDA_VISIBLE_DEVICES,
    };
  }

  /** Joins the process group (done lazily by every collective; call it to fail early). */
  async connect(): Promise<ProcessGroup> {
    if (this.group) return this.group;
    // accelerate's choice: NCCL when tensors live on CUDA, Gloo otherwise (unless the launcher said).
    const backend = tf.getBackend() === 'cuda' ? 'nccl' : 'gloo';
    this.joining ??= ProcessGroup.fromEnv(
      process.env,
      process.env.NER_PROCESS_GROUP_BACKEND ? {} : { backend },
    );
    this.group = await this.joining;
    return this.group;
  }

  /**
   * Prepares objects for the run, like `accelerator.prepare(...)`: models get
   * rank 0's weights, data loaders are sharded across processes,
   * schedulers step once per process. Optimizers pass through.
   */
  async prepare<T extends unknown[]>(...objects: T): Promise<{ [K in keyof T]: Prepared<T[K]> }> {
    const out: unknown[] = [];
    for (const object of objects) {
      if (object instanceof DataLoader) out.push(this.shard(object));
      else if (isLrScheduler(object)) {
        this.registered.schedulers.push(object);
        const stepsPerCall = this.stepSchedulerPerProcess ? this.numProcesses : 1;
        out.push(new AcceleratedScheduler(object, stepsPerCall, this.gradientState));
      } else if (isAcceleratedModel(object)) {
        await this.broadcastParameters(object);
        this.registered.models.push(object);
        out.push(object);
      } else {
        if (isStatefulOptimizer(object)) this.registered.optimizers.push(object);
        out.push(object);
      }
    }
    return out as { [K in keyof T]: Prepared<T[K]> };
  }

  /** A sharded loader over `dataset` for this process (options as @ner/collate's DataLoader). */
  prepareDataLoader<Row, Batch>(
    dataset: RowSource<Row>,
    options: DataLoaderOptions<Row, Batch> = {},
  ): PreparedDataLoader<Row, Batch> {
    const loader = new DataLoader<Row, Batch>(dataset, {
      evenBatches: this.evenBatches,
      ...options,
      numProcesses: this.numProcesses,
      processIndex: this.processIndex,
    });
    return new PreparedDataLoader(loader, this.gradientState);
  }

  private shard<Row, Batch>(loader: DataLoader<Row, Batch>): PreparedDataLoader<Row, Batch> {
    if (loader.numProcesses === this.numProcesses && loader.processIndex === this.processIndex) {
      return new PreparedDataLoader(loader, this.gradientState);
    }
    // Reuse the user's collate function so the sharded loader collates exactly as theirs.
    const sharded = new DataLoader<Row, Batch>(loader.dataset, {
      batchSize: loader.batchSize,
      dropLast: loader.dropLast,
      sampler: loader.sampler,
      collateFn: (rows: Row[]) => loader.collate(rows),
      numProcesses: this.numProcesses,
      processIndex: this.processIndex,
      evenBatches: this.evenBatches,
    });
    sharded.setEpoch(loader.epoch);
    return new PreparedDataLoader(sharded, this.gradientState);
  }

  /** Copies rank 0's weights to every process (DDP's initial broadcast). */
  async broadcastParameters(model: Pick<AcceleratedModel, 'namedParameters'>): Promise<void> {
    if (this.numProcesses === 1) return;
    const group = await this.connect();
    const params = model.namedParameters();
    const total = params.reduce((sum, [, v]) => sum + v.size, 0);
    const flat = new Float32Array(total);
    if (this.isMainProcess) {
      let offset = 0;
      for (const [, v] of params) {
        flat.set(v.dataSync() as Float32Array, offset);
        offset += v.size;
      }
    }
    // Same length on every rank, or the header check names the ranks whose model differs.
    await group.broadcast(flat, 0);
    let offset = 0;
    for (const [, v] of params) {
      const values = flat.subarray(offset, offset + v.size);
      tf.tidy(() => v.assign(tf.tensor(values, v.shape, 'float32')));
      offset += v.size;
    }
  }

  /**
   * Loss and gradients of a batch on this process, gradients averaged over
   * all processes (the `loss.backward()` + DDP all-reduce of a PyTorch loop),
   * under {@link autocast}.
   * The caller disposes `loss` and the gradients.
   */
  async computeGradients(
    model: Pick<AcceleratedModel, 'computeGradients'>,
    batch: unknown,
    options: { training?: boolean } = { training: true },
  ): Promise<{ loss: tf.Scalar; grads: Map<string, tf.Tensor> }> {
    const { loss, grads } = this.autocast(() => model.computeGradients(batch as never, options));
    return { loss, grads: await this.reduceGradients(grads) };
  }

  /**
   * One micro-batch of gradient accumulation (accelerate's `with accelerator.accumulate(model):`
   * around `accelerator.backward(loss)`): computes the batch's loss and gradients under
   * {@link autocast}, divides the gradients by {@link gradientAccumulationSteps} and adds them to
   * the group's sum. On the group's last micro-batch (every `gradientAccumulationSteps`-th call,
   * and the last batch of a prepared loader, which also starts the count again) the sum is
   * averaged over processes in one all-reduce and returned as `grads`, and
   * {@link syncGradients} is true: step the optimizer with them, step the scheduler (a prepared
   * scheduler steps only then), and dispose them. Otherwise `grads` is null and nothing crosses
   * processes (DDP's `no_sync`). The caller disposes `loss` (the micro-batch's, undivided).
   *
   * @example
   * const accelerator = new Accelerator({ gradientAccumulationSteps: 4 });
   * const [model, optimizer, loader, scheduler] = await accelerator.prepare(model0, adamw, loader0, schedule);
   * for (const batch of loader) {
   *   const { loss, grads } = await accelerator.accumulate(model, batch);
   *   if (grads) {
   *     optimizer.step(grads);
   *     scheduler.step();
   *     tf.dispose([...grads.values()]);
   *   }
   *   loss.dispose();
   * }
   */
  async accumulate(
    model: Pick<AcceleratedModel, 'computeGradients'>,
    batch: unknown,
    options: { training?: boolean } = { training: true },
  ): Promise<{ loss: tf.Scalar; grads: Map<string, tf.Tensor> | null }> {
    const { count, sync } = nextSync(
      this.accumulationCount,
      this.gradientAccumulationSteps,
      this.gradientState.endOfDataloader,
    );
    this.accumulationCount = count;
    this.gradientState.syncGradients = sync;
    const { loss, grads } = this.autocast(() => model.computeGradients(batch as never, options));
    this.pendingGrads = accumulateGrads(
      this.pendingGrads,
      scaleGrads(grads, 1 / this.gradientAccumulationSteps),
    );
    if (!sync) return { loss, grads: null };
    const total = this.pendingGrads;
    this.pendingGrads = undefined;
    return { loss, grads: await this.reduceGradients(total) };
  }

  /** `backward` of accelerate, tfjs style: same as {@link computeGradients}. */
  backward(
    model: Pick<AcceleratedModel, 'computeGradients'>,
    batch: unknown,
    options?: { training?: boolean },
  ): Promise<{ loss: tf.Scalar; grads: Map<string, tf.Tensor> }> {
    return this.computeGradients(model, batch, options);
  }

  /**
   * Averages gradients over processes in one all-reduce; disposes the inputs, returns new tensors.
   * On `cuda` with nccl the gradients never leave the device: concatenated into one flat tensor,
   * reduced there, split back (DDP's bucket, one bucket). Elsewhere they go through the host.
   */
  async reduceGradients(grads: Map<string, tf.Tensor>): Promise<Map<string, tf.Tensor>> {
    if (this.numProcesses === 1) return grads;
    const group = await this.connect();
    const entries = [...grads.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (group.reducesDeviceTensors && entries.every(([, g]) => g.dtype === 'float32')) {
      return reduceOnDevice(group, entries);
    }
    const total = entries.reduce((sum, [, g]) => sum + g.size, 0);
    const flat = new Float32Array(total);
    let offset = 0;
    for (const [, g] of entries) {
      flat.set(g.dataSync() as Float32Array, offset);
      offset += g.size;
    }
    const mean = await group.allReduce(flat, 'mean');
    const out = new Map<string, tf.Tensor>();
    offset = 0;
    for (const [name, g] of entries) {
      out.set(name, tf.tensor(mean.subarray(offset, offset + g.size), g.shape, 'float32'));
      offset += g.size;
      g.dispose();
    }
    return out;
  }

  /** `accelerator.clip_grad_norm_` (gradients are already identical on every process). */
  clipGradNorm(grads: ReadonlyMap<string, tf.Tensor>, maxNorm: number): ClippedGradients {
    return clipGradNorm(grads, maxNorm);
  }

  /** Concatenates every process's tensor along dim 0, in rank order. */
  async gather<T extends Gatherable>(value: T): Promise<T> {
    if (this.numProcesses === 1) return value;
    const group = await this.connect();
    const parts = (await group.allGatherUneven(encodeHost(toHost(value)))).map(decodeHost);
    return fromHost(concatHost(parts), value) as T;
  }

  /** Sum or mean of a tensor over processes. */
  async reduce<T extends Gatherable>(value: T, op: 'sum' | 'mean' = 'sum'): Promise<T> {
    if (this.numProcesses === 1) return value;
    const group = await this.connect();
    const host = toHost(value);
    const data = await group.allReduce(host.data.slice(), op);
    return fromHost({ ...host, data } as HostTensor, value) as T;
  }

  /**
   * Pads `dim` to the largest size any process holds, with `padIndex`
   * (accelerate's `pad_across_processes`; use -100 for labels, the pad id or
   * -100 for predictions), so tensors of different sequence lengths can be gathered.
   */
  async padAcrossProcesses<T extends Gatherable>(
    value: T,
    options: { dim?: number; padIndex?: number; padFirst?: boolean } = {},
  ): Promise<T> {
    const dim = options.dim ?? 0;
    const host = toHost(value);
    if (dim < 0 || dim >= host.shape.length) {
      throw new AccelerateError(`padAcrossProcesses: dim ${dim} is out of range for shape [${host.shape}]`);
    }
    if (this.numProcesses === 1) return value;
    const group = await this.connect();
    const sizes = await group.allGather(Int32Array.of(host.shape[dim]!));
    const max = Math.max(...sizes);
    if (max === host.shape[dim]) return value;
    return fromHost(padHost(host, dim, max, options.padIndex ?? 0, options.padFirst ?? false), value) as T;
  }

  /**
   * `gather`, then on the last batch of a prepared loader keeps only the
   * real samples (drops those repeated to even out the batches), so every
   * sample is counted exactly once. Whether this is the last batch is what the
   * loader last yielded, unless `options.endOfDataloader` says it: a loop that
   * reads a batch ahead (queues the next batch's work before gathering this
   * one's, as the Trainer's evaluation does) passes the flag of the batch it
   * gathers (`LoaderStep.isLast` of `PreparedDataLoader.steps()`).
   */
  async gatherForMetrics<T extends Gatherable>(
    value: T,
    options: { endOfDataloader?: boolean } = {},
  ): Promise<T> {
    const gathered = await this.gather(value);
    const { remainder } = this.gradientState;
    const endOfDataloader = options.endOfDataloader ?? this.gradientState.endOfDataloader;
    if (this.numProcesses === 1 || !endOfDataloader || remainder <= 0) return gathered;
    return fromHost(sliceRows(toHost(gathered), remainder), value) as T;
  }

  /** Blocks until every process gets here (`wait_for_everyone`). */
  async waitForEveryone(): Promise<void> {
    if (this.numProcesses === 1) return;
    await (await this.connect()).barrier();
  }

  /** The model itself (there is no wrapper to remove here). */
  unwrapModel<M>(model: M): M {
    return model;
  }

  /** Saves a model on the main process only, then waits for everyone (`accelerator.save` + `save_pretrained`). */
  async save(model: Pick<AcceleratedModel, 'savePretrained'>, dir: string): Promise<void> {
    if (this.isMainProcess) await model.savePretrained(dir);
    await this.waitForEveryone();
  }

  /** `accelerator.print`: prints once, from the main process. */
  print(...values: unknown[]): void {
    if (this.isMainProcess) console.log(...values);
  }

  /**
   * Saves every prepared model, optimizer and scheduler to `dir` (accelerate's `save_state`):
   * the main process writes `model.safetensors` + `config.json` (the 2nd model in `model_1/`...),
   * `optimizer.json` / `optimizer.safetensors`, `scheduler.json` (`_1`... for more), under a
   * temporary name renamed at the end, so a crash leaves no half-written `dir`. Every process
   * waits for the write.
   */
  async saveState(dir: string): Promise<void> {
    await this.waitForEveryone();
    if (this.isMainProcess) {
      const { models, optimizers, schedulers } = this.registered;
      await writeFolderAtomically(dir, async (tmp) => {
        for (const [i, model] of models.entries())
          await model.savePretrained(i === 0 ? tmp : join(tmp, `model_${i}`));
        for (const [i, optimizer] of optimizers.entries())
          await writeStateDict(tmp, i === 0 ? 'optimizer' : `optimizer_${i}`, optimizer.stateDict());
        for (const [i, scheduler] of schedulers.entries())
          await writeStateDict(tmp, i === 0 ? 'scheduler' : `scheduler_${i}`, scheduler.stateDict());
      });
    }
    await this.waitForEveryone();
  }

  /**
   * Restores what {@link saveState} wrote into the prepared objects, on every process
   * (`load_state`). Every file is read and checked first (weights by name and shape, and each
   * optimizer's and scheduler's state by its own `checkStateDict` where it has one): a damaged or
   * mismatched folder throws {@link AccelerateError} naming the file and changes nothing.
   */
  async loadState(dir: string): Promise<void> {
    const { models, optimizers, schedulers } = this.registered;
    const weights: Float32Array[][] = [];
    for (const [i, model] of models.entries())
      weights.push(await readModelWeights(model, i === 0 ? dir : join(dir, `model_${i}`)));
    const readChecked = async (target: { checkStateDict?(state: unknown): void }, stem: string) => {
      const state = await readStateDict(dir, stem);
      checkStateFits(target, state, join(dir, `${stem}.json`));
      return state;
    };
    const optimizerStates: unknown[] = [];
    for (const [i, optimizer] of optimizers.entries())
      optimizerStates.push(await readChecked(optimizer, i === 0 ? 'optimizer' : `optimizer_${i}`));
    const schedulerStates: unknown[] = [];
    for (const [i, scheduler] of schedulers.entries())
      schedulerStates.push(await readChecked(scheduler, i === 0 ? 'scheduler' : `scheduler_${i}`));
    for (const [i, model] of models.entries()) assignCheckpointWeights(model.namedParameters(), weights[i]!);
    for (const [i, optimizer] of optimizers.entries()) optimizer.loadStateDict(optimizerStates[i] as never);
    for (const [i, scheduler] of schedulers.entries()) scheduler.loadStateDict?.(schedulerStates[i] as never);
    await this.waitForEveryone();
  }

  /** Closes the connections to the other processes. */
  async endTraining(): Promise<void> {
    // A group cut short (training stopped mid-accumulation) leaves gradients nobody will use.
    if (this.pendingGrads) tf.dispose([...this.pendingGrads.values()]);
    this.pendingGrads = undefined;
    await this.waitForEveryone();
    await this.group?.close();
  }
}

/**
 * {@link Accelerator.reduceGradients} on the device: one flat tensor of every gradient (in name
 * order, as the host path), one all-reduce of its mean, then each gradient sliced back out.
 */
async function reduceOnDevice(
  group: ProcessGroup,
  entries: readonly [string, tf.Tensor][],
): Promise<Map<string, tf.Tensor>> {
  const flat = tf.tidy(() => tf.concat(entries.map(([, g]) => tf.reshape(g, [-1]))));
  let mean: tf.Tensor;
  try {
    mean = await group.allReduceTensor(flat, 'mean', { consume: true });
  } catch (error) {
    // The inputs are given up either way, as on success.
    for (const [, g] of entries) g.dispose();
    throw error;
  }
  try {
    const out = new Map<string, tf.Tensor>();
    let offset = 0;
    for (const [name, g] of entries) {
      out.set(
        name,
        tf.tidy(() => tf.reshape(tf.slice(mean, offset, g.size), g.shape)),
      );
      offset += g.size;
      g.dispose();
    }
    return out;
  } finally {
    mean.dispose();
  }
}
