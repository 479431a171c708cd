import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CollateFn, HostTensor, type RowSource, rowAt, rowCount } from '@ner/collate';
import { writeFileAtomic } from '@ner/models';
import * as tf from '@tensorflow/tfjs-core';
import { Accelerator, type PreparedDataLoader } from './accelerator.js';
import { AdamW } from './adamw.js';
import { CallbackHandler, type TrainerCallback, TrainerControl } from './callbacks.js';
import {
  CHECKPOINT_FILES,
  getLastCheckpoint,
  loadModelWeights,
  loadOptimizer,
  loadScheduler,
  PREFIX_CHECKPOINT_DIR,
  removeOrphanTemps,
  rotateCheckpoints,
  saveOptimizer,
  saveScheduler,
  writeFolderAtomic,
} from './checkpoint.js';
import { clipGradNorm } from './clip-grad-norm.js';
import { CheckpointError, NonFiniteLossError, SaveError, TrainerError } from './errors.js';
import { JsonlLoggerCallback, PrinterCallback, ProgressCallback } from './logging-callbacks.js';
import { toModelInputs } from './model-batch.js';
import { padAndConcatenate } from './nested-concat.js';
import { toHost } from './host-array.js';
import { nameRuleParameterGroups, trainerParameterGroups } from './parameter-groups.js';
import { getScheduler, type LambdaLR } from './schedules.js';
import { roundTo, speedMetrics } from './speed-metrics.js';
import { TensorBoardCallback } from './tensorboard.js';
import type { TrainableModel } from './trainable-model.js';
import { type LogEntry, TrainerState } from './trainer-state.js';
import { TrainingArguments, type TrainingArgumentsOptions } from './training-arguments.js';
import { describeCode, failedPath, systemErrorCode, writeFileNamed } from './write-failure.js';

/** What `computeMetrics` receives (Python `EvalPrediction`): logits padded with -100 across batches. */
export interface EvalPrediction {
  /** `[N, T, C]` (token heads, T = longest batch) or `[N, C]`, float32. */
  readonly predictions: HostTensor;
  /** `[N, T]` or `[N]`, int32 (float32 for float labels); -100 where padded. Null without labels. */
  readonly labelIds: HostTensor | null;
}

export type ComputeMetrics = (
  prediction: EvalPrediction,
) => Record<string, number> | Promise<Record<string, number>>;

/** Anything that can save tokenizer files next to the model (Python's `processing_class` / `tokenizer`). */
export interface ProcessingClass {
  savePretrained(dir: string): unknown;
}

/** Options of {@link Trainer} (Python keyword arguments, camelCased). */
export interface TrainerOptions<Row = unknown> {
  model: TrainableModel;
  args: TrainingArguments | TrainingArgumentsOptions;
  trainDataset?: RowSource<Row>;
  evalDataset?: RowSource<Row>;
  /** Rows → batch (a function or an object with `collate`); default: `defaultDataCollator` of @ner/collate. */
  dataCollator?: CollateFn<Row, unknown>;
  computeMetrics?: ComputeMetrics;
  /** Tokenizer or processor: its files are saved into every checkpoint. */
  processingClass?: ProcessingClass;
  /** Deprecated Python alias of `processingClass`. */
  tokenizer?: ProcessingClass;
  callbacks?: TrainerCallback[];
  /** `[optimizer, scheduler]` to use instead of the default AdamW + `lrSchedulerType`. */
  optimizers?: [AdamW | undefined, LambdaLR | undefined];
  /**
   * The process group to train in; default `new Accelerator()`, which joins the processes
   * started by `ner-launch` (RANK / WORLD_SIZE) or runs alone.
   */
  accelerator?: Accelerator;
}

/** Result of {@link Trainer.train} (Python `TrainOutput`). */
export interface TrainOutput {
  globalStep: number;
  trainingLoss: number;
  metrics: Record<string, number>;
}

/** Result of {@link Trainer.predict} (Python `PredictionOutput`). */
export interface PredictionOutput {
  predictions: HostTensor;
  labelIds: HostTensor | null;
  metrics: Record<string, number>;
}

type AnyBatch = Record<string, unknown>;

/**
 * transformers' `Trainer` for the models of @ner/models (or any
 * {@link TrainableModel}): AdamW with the no-decay groups, the chosen
 * schedule, gradient accumulation and clipping, logging, evaluation,
 * checkpoints that resume exactly, and callbacks.
 */
export class Trainer<Row = unknown> {
  readonly model: TrainableModel;
  readonly args: TrainingArguments;
  readonly state = new TrainerState();
  readonly control = new TrainerControl();
  readonly callbackHandler: CallbackHandler;
  /** Data parallelism: sharded loaders, averaged gradients, gathered predictions. */
  readonly accelerator: Accelerator;
  trainDataset: RowSource<Row> | undefined;
  evalDataset: RowSource<Row> | undefined;
  readonly computeMetrics: ComputeMetrics | undefined;
  readonly processingClass: ProcessingClass | undefined;
  optimizer: AdamW | undefined;
  lrScheduler: LambdaLR | undefined;
  private readonly collateFn: CollateFn<Row, unknown> | undefined;
  private trLoss = 0;
  private totalLossScalar = 0;
  private globalStepLastLogged = 0;
  private lastGradNorm: number | undefined;
  private readonly nonEmbeddingParameters: number;

  constructor(options: TrainerOptions<Row>) {
    if (options.model === undefined) throw new TrainerError('Trainer needs a model');
    this.model = options.model;
    this.args =
      options.args instanceof TrainingArguments ? options.args : new TrainingArguments(options.args);
    this.trainDataset = options.trainDataset;
    this.evalDataset = options.evalDataset;
    this.collateFn = options.dataCollator;
    this.computeMetrics = options.computeMetrics;
    this.processingClass = options.processingClass ?? options.tokenizer;
    this.optimizer = options.optimizers?.[0];
    this.lrScheduler = options.optimizers?.[1];
    this.accelerator = options.accelerator ?? new Accelerator();
    this.state.isWorldProcessZero = this.accelerator.isMainProcess;
    this.state.isLocalProcessZero = this.accelerator.isLocalMainProcess;
    const defaults: TrainerCallback[] = [];
    if (this.args.reportTo.includes('jsonl')) defaults.push(new JsonlLoggerCallback());
    if (this.args.reportTo.includes('tensorboard')) defaults.push(new TensorBoardCallback());
    defaults.push(this.args.disableTqdm ? new PrinterCallback() : new ProgressCallback());
    this.callbackHandler = new CallbackHandler([...defaults, ...(options.callbacks ?? [])]);
    const types = this.model.parameterModuleTypes?.();
    this.nonEmbeddingParameters = this.model
      .namedParameters()
      .filter(([name]) => types?.get(name) !== 'Embedding')
      .reduce((sum, [, variable]) => sum + variable.size, 0);
    if (this.args.evalStrategy !== 'no' && this.evalDataset === undefined) {
      throw new TrainerError(
        `You have set args.evalStrategy to '${this.args.evalStrategy}' but you didn't pass an evalDataset to Trainer.`,
      );
    }
  }

  /** Adds a callback (Python `add_callback`). */
  addCallback(callback: TrainerCallback): void {
    this.callbackHandler.add(callback);
  }

  private trainLoader(dataset: RowSource<Row>): PreparedDataLoader<Row, unknown> {
    const lengthColumn = this.args.lengthColumnName;
    const lengths =
      this.args.groupByLength && lengthColumn !== 'length' ? columnLengths(dataset, lengthColumn) : undefined;
    return this.accelerator.prepareDataLoader<Row, unknown>(dataset, {
      ...(lengths !== undefined ? { lengths } : {}),
      batchSize: this.args.perDeviceTrainBatchSize,
      shuffle: true,
      seed: this.args.dataSeed ?? this.args.seed,
      dropLast: this.args.dataloaderDropLast,
      groupByLength: this.args.groupByLength,
      ...(this.collateFn !== undefined ? { collateFn: this.collateFn } : {}),
    });
  }

  private evalLoader(dataset: RowSource<Row>): PreparedDataLoader<Row, unknown> {
    return this.accelerator.prepareDataLoader<Row, unknown>(dataset, {
      batchSize: this.args.perDeviceEvalBatchSize,
      ...(this.collateFn !== undefined ? { collateFn: this.collateFn } : {}),
    });
  }

  private resolveSteps(value: number, maxSteps: number): number {
    return value < 1 ? Math.ceil(maxSteps * value) : value;
  }

  /** Python `create_optimizer_and_scheduler`. */
  createOptimizerAndScheduler(numTrainingSteps: number): void {
    if (this.optimizer === undefined) {
      const groups =
        this.model.parameterModuleTypes !== undefined
          ? trainerParameterGroups(this.model, this.args.weightDecay)
          : nameRuleParameterGroups(this.model, this.args.weightDecay);
      this.optimizer = new AdamW(groups, {
        lr: this.args.learningRate,
        betas: [this.args.adamBeta1, this.args.adamBeta2],
        eps: this.args.adamEpsilon,
        weightDecay: this.args.weightDecay,
      });
    }
    if (this.lrScheduler === undefined) {
      this.lrScheduler = getScheduler(this.args.lrSchedulerType, this.optimizer, {
        numWarmupSteps: this.args.getWarmupSteps(numTrainingSteps),
        numTrainingSteps,
      });
    }
  }

  /**
   * Runs training. `resumeFromCheckpoint`: a checkpoint folder, or `true` for
   * the newest `checkpoint-N` in outputDir; model, optimizer, scheduler and
   * trainer state are restored and the data order continues where it stopped,
   * so the losses equal an uninterrupted run's.
   */
  async train(options: { resumeFromCheckpoint?: string | boolean } = {}): Promise<TrainOutput> {
    const args = this.args;
    if (this.trainDataset === undefined) throw new TrainerError('Trainer: training requires a trainDataset.');
    await this.removeOrphanCheckpoints(Boolean(options.resumeFromCheckpoint));
    let resumeDir: string | undefined;
    if (options.resumeFromCheckpoint === true) {
      resumeDir = await getLastCheckpoint(args.outputDir);
      if (resumeDir === undefined)
        throw new CheckpointError(`No valid checkpoint found in output directory (${args.outputDir})`);
    } else if (typeof options.resumeFromCheckpoint === 'string') {
      resumeDir = options.resumeFromCheckpoint;
    }
    const loader = this.trainLoader(this.trainDataset);
    const batchesPerEpoch = loader.length;
    if (batchesPerEpoch === 0) throw new TrainerError('Trainer: the training dataloader is empty.');
    const accum = args.gradientAccumulationSteps;
    const updatesPerEpoch = Math.max(Math.ceil(batchesPerEpoch / accum), 1);
    const totalTrainBatchSize = args.perDeviceTrainBatchSize * accum * this.accelerator.numProcesses;
    let maxSteps: number;
    let numTrainEpochs: number;
    let numTrainSamples: number;
    if (args.maxSteps > 0) {
      maxSteps = args.maxSteps;
      numTrainEpochs = Math.floor(maxSteps / updatesPerEpoch) + (maxSteps % updatesPerEpoch > 0 ? 1 : 0);
      numTrainSamples = maxSteps * totalTrainBatchSize;
    } else {
      maxSteps = Math.ceil(args.numTrainEpochs * updatesPerEpoch);
      numTrainEpochs = Math.ceil(args.numTrainEpochs);
      numTrainSamples = loader.numRows * args.numTrainEpochs;
    }
    this.createOptimizerAndScheduler(maxSteps);
    // Every process starts from rank 0's weights (DDP's initial broadcast).
    await this.accelerator.broadcastParameters(this.model);
    const optimizer = this.optimizer!;
    const scheduler = this.lrScheduler!;
    const state = this.state;
    Object.assign(state, new TrainerState());
    state.isWorldProcessZero = this.accelerator.isMainProcess;
    state.isLocalProcessZero = this.accelerator.isLocalMainProcess;
    state.maxSteps = maxSteps;
    state.numTrainEpochs = numTrainEpochs;
    state.trainBatchSize = args.perDeviceTrainBatchSize;
    state.loggingSteps = this.resolveSteps(args.loggingSteps, maxSteps);
    state.evalSteps = this.resolveSteps(args.evalSteps, maxSteps);
    state.saveSteps = this.resolveSteps(args.saveSteps, maxSteps);
    if (resumeDir !== undefined) await this.loadCheckpoint(resumeDir);
    const epochsTrained = Math.floor(state.globalStep / updatesPerEpoch);
    const batchesToSkip = (state.globalStep % updatesPerEpoch) * accum;
    this.trLoss = 0;
    this.totalLossScalar = 0;
    this.globalStepLastLogged = state.globalStep;
    const started = performance.now();
    Object.assign(this.control, new TrainerControl());
    await this.callbackHandler.call('onTrainBegin', args, state, this.control);

    for (let epoch = epochsTrained; epoch < numTrainEpochs && !this.control.shouldTrainingStop; epoch++) {
      loader.setEpoch(epoch);
      await this.callbackHandler.call('onEpochBegin', args, state, this.control);
      let grads: Map<string, tf.Tensor> | undefined;
      let accumulated = 0;
      for (const { batch, step } of loader.steps()) {
        if (epoch === epochsTrained && step < batchesToSkip) continue;
        if (accumulated === 0) await this.callbackHandler.call('onStepBegin', args, state, this.control);
        // Dropout masks depend only on (seed, epoch, step), so a resumed run draws the same ones.
        this.model.setSeed?.((args.seed * 7919 + epoch * 1_000_003 + step) >>> 0);
        // The epoch's last update may gather fewer micro-batches; average over those it has.
        const fullGroupsEnd = Math.floor(batchesPerEpoch / accum) * accum;
        const groupSize = step >= fullGroupsEnd ? batchesPerEpoch - fullGroupsEnd : accum;
        const micro = this.trainingStep(batch as AnyBatch, groupSize, state.globalStep + 1);
        grads = accumulateGrads(grads, micro);
        accumulated += 1;
        if (accumulated === accum || step === batchesPerEpoch - 1) {
          await this.optimizerStep(grads, optimizer, scheduler);
          grads = undefined;
          accumulated = 0;
          state.globalStep += 1;
          state.epoch = epoch + (step + 1) / batchesPerEpoch;
          await this.callbackHandler.call('onStepEnd', args, state, this.control);
          this.stepEndFlow();
          await this.maybeLogSaveEvaluate();
        }
        if (this.control.shouldEpochStop || this.control.shouldTrainingStop) break;
      }
      if (grads !== undefined) tf.dispose([...grads.values()]);
      await this.callbackHandler.call('onEpochEnd', args, state, this.control);
      this.epochEndFlow();
      await this.maybeLogSaveEvaluate();
    }

    if (args.loadBestModelAtEnd && state.bestModelCheckpoint !== null) {
      await loadModelWeights(state.bestModelCheckpoint, this.model.namedParameters());
    }
    this.totalLossScalar += await this.meanOverProcesses(this.trLoss);
    this.trLoss = 0;
    const trainLoss = this.totalLossScalar / Math.max(state.globalStep, 0.001);
    // Python's store_flos sums the work of every process.
    if (this.accelerator.numProcesses > 1) {
      state.totalFlos = (await this.meanOverProcesses(state.totalFlos)) * this.accelerator.numProcesses;
    }
    const metrics: Record<string, number> = {
      ...speedMetrics('train', started, numTrainSamples, maxSteps),
      total_flos: state.totalFlos,
      train_loss: trainLoss,
    };
    this.log(metrics);
    await this.callbackHandler.call('onLog', args, state, this.control, { logs: metrics });
    await this.callbackHandler.call('onTrainEnd', args, state, this.control);
    return { globalStep: state.globalStep, trainingLoss: trainLoss, metrics };
  }

  /** One micro-batch: loss and gradients scaled by 1/accum (Python `training_step`). */
  private trainingStep(batch: AnyBatch, accum: number, stepForErrors: number): Map<string, tf.Tensor> {
    const inputs = toModelInputs(batch, this.labelNames());
    const tokens = inputs.input_ids.size;
    let result: { loss: tf.Scalar; grads: Map<string, tf.Tensor> };
    try {
      result = this.model.computeGradients(inputs as never, { training: true });
    } finally {
      tf.dispose(Object.values(inputs));
    }
    const loss = result.loss.dataSync()[0]!;
    result.loss.dispose();
    if (!Number.isFinite(loss)) {
      tf.dispose([...result.grads.values()]);
      throw new NonFiniteLossError(stepForErrors, loss);
    }
    this.trLoss += loss / accum;
    this.state.totalFlos += 6 * tokens * this.nonEmbeddingParameters;
    this.state.numInputTokensSeen += tokens;
    if (accum === 1) return result.grads;
    const scaled = new Map<string, tf.Tensor>();
    for (const [name, grad] of result.grads) {
      scaled.set(name, tf.div(grad, accum));
      grad.dispose();
    }
    return scaled;
  }

  private async optimizerStep(
    grads: Map<string, tf.Tensor>,
    optimizer: AdamW,
    scheduler: LambdaLR,
  ): Promise<void> {
    let use = await this.accelerator.reduceGradients(grads);
    grads = use;
    this.lastGradNorm = undefined;
    if (this.args.maxGradNorm > 0) {
      const clipped = clipGradNorm(grads, this.args.maxGradNorm);
      this.lastGradNorm = clipped.totalNorm;
      tf.dispose([...grads.values()]);
      use = clipped.grads;
    }
    optimizer.step(use);
    scheduler.step();
    tf.dispose([...use.values()]);
  }

  /** Mean of a per-process number over all processes (the number itself when alone). */
  private async meanOverProcesses(value: number): Promise<number> {
    if (this.accelerator.numProcesses === 1) return value;
    const group = await this.accelerator.connect();
    return (await group.allReduce(Float32Array.of(value), 'mean'))[0]!;
  }

  private labelNames(): string[] {
    return this.args.labelNames ?? ['labels', 'label'];
  }

  /** transformers' `DefaultFlowCallback.on_step_end`. */
  private stepEndFlow(): void {
    const { args, state, control } = this;
    if (state.globalStep === 1 && args.loggingFirstStep) control.shouldLog = true;
    if (args.loggingStrategy === 'steps' && state.globalStep % state.loggingSteps === 0)
      control.shouldLog = true;
    if (args.evalStrategy === 'steps' && state.globalStep % state.evalSteps === 0)
      control.shouldEvaluate = true;
    if (args.saveStrategy === 'steps' && state.globalStep % state.saveSteps === 0) control.shouldSave = true;
    if (state.globalStep >= state.maxSteps) control.shouldTrainingStop = true;
  }

  /** transformers' `DefaultFlowCallback.on_epoch_end`. */
  private epochEndFlow(): void {
    const { args, control } = this;
    if (args.loggingStrategy === 'epoch') control.shouldLog = true;
    if (args.evalStrategy === 'epoch') control.shouldEvaluate = true;
    if (args.saveStrategy === 'epoch') control.shouldSave = true;
  }

  private async maybeLogSaveEvaluate(): Promise<void> {
    const { control, state } = this;
    if (control.shouldLog && state.globalStep > this.globalStepLastLogged) {
      // Python logs the mean over processes of each process's running loss.
      const trLoss = await this.meanOverProcesses(this.trLoss);
      const logs: LogEntry = {
        loss: roundTo(trLoss / (state.globalStep - this.globalStepLastLogged), 4),
      };
      if (this.lastGradNorm !== undefined) logs.grad_norm = this.lastGradNorm;
      logs.learning_rate = this.lrScheduler!.getLastLr()[0]!;
      this.totalLossScalar += trLoss;
      this.trLoss = 0;
      this.globalStepLastLogged = state.globalStep;
      this.log(logs);
      await this.callbackHandler.call('onLog', this.args, state, control, { logs });
    }
    control.shouldLog = false;
    let metrics: Record<string, number> | undefined;
    if (control.shouldEvaluate) {
      control.shouldEvaluate = false;
      metrics = await this.evaluate();
    }
    if (control.shouldSave) {
      control.shouldSave = false;
      await this.saveCheckpoint(metrics);
    }
  }

  /** Adds `epoch` (2 digits) and `step`, and appends to `log_history` (Python `Trainer.log`). */
  log(logs: Record<string, number>): void {
    logs.epoch = roundTo(this.state.epoch, 2);
    this.state.logHistory.push({ ...logs, step: this.state.globalStep });
  }

  /** Runs evaluation on `evalDataset` (or the one given) and returns metrics keyed `eval_*`. */
  async evaluate(evalDataset?: RowSource<Row>, metricKeyPrefix = 'eval'): Promise<Record<string, number>> {
    const dataset = evalDataset ?? this.evalDataset;
    if (dataset === undefined) throw new TrainerError('Trainer: evaluation requires an evalDataset.');
    const started = performance.now();
    const output = await this.evaluationLoop(dataset, metricKeyPrefix);
    const steps = Math.ceil(output.numSamples / this.args.perDeviceEvalBatchSize);
    Object.assign(output.metrics, speedMetrics(metricKeyPrefix, started, output.numSamples, steps));
    this.log(output.metrics);
    await this.callbackHandler.call('onLog', this.args, this.state, this.control, { logs: output.metrics });
    await this.callbackHandler.call('onEvaluate', this.args, this.state, this.control, {
      metrics: output.metrics,
    });
    return output.metrics;
  }

  /** Predictions (logits), labels and `test_*` metrics for a dataset (Python `predict`). */
  async predict(dataset: RowSource<Row>, metricKeyPrefix = 'test'): Promise<PredictionOutput> {
    const started = performance.now();
    const output = await this.evaluationLoop(dataset, metricKeyPrefix);
    const steps = Math.ceil(output.numSamples / this.args.perDeviceEvalBatchSize);
    Object.assign(output.metrics, speedMetrics(metricKeyPrefix, started, output.numSamples, steps));
    await this.callbackHandler.call('onPredict', this.args, this.state, this.control, {
      metrics: output.metrics,
    });
    return { predictions: output.predictions, labelIds: output.labelIds, metrics: output.metrics };
  }

  private async evaluationLoop(
    dataset: RowSource<Row>,
    prefix: string,
  ): Promise<PredictionOutput & { numSamples: number }> {
    const loader = this.evalLoader(dataset);
    const predictions: HostTensor[] = [];
    const labels: HostTensor[] = [];
    let lossSum = 0;
    let lossCount = 0;
    let numSamples = 0;
    const accelerator = this.accelerator;
    for (const batch of loader) {
      const inputs = toModelInputs(batch as AnyBatch, this.labelNames());
      const rows = inputs.input_ids.shape[0]!;
      try {
        const [logits, loss] = tf.tidy(() => {
          const out = this.model.forward(inputs as never, { training: false });
          return [tf.keep(out.logits), out.loss ? tf.keep(out.loss) : undefined] as const;
        });
        if (loss !== undefined) {
          // Python repeats the batch loss per sample and gathers it, so eval_loss weighs batches by size.
          const perSample = tf.fill([rows], loss.dataSync()[0]!);
          const gathered = toHost(await accelerator.gatherForMetrics(perSample));
          for (const value of gathered.data) lossSum += value;
          lossCount += gathered.data.length;
          tf.dispose([perSample, loss]);
        }
        // Processes may hold different sequence lengths: pad to the longest with -100, then gather.
        const gatheredLogits = toHost(
          await accelerator.gatherForMetrics(
            logits.rank > 1
              ? await accelerator.padAcrossProcesses(logits, { dim: 1, padIndex: -100 })
              : logits,
          ),
        );
        numSamples += gatheredLogits.shape[0]!;
        if (!this.args.predictionLossOnly) {
          predictions.push(gatheredLogits);
          const label = inputs.labels;
          if (label !== undefined) {
            const padded =
              label.rank > 1
                ? await accelerator.padAcrossProcesses(label, { dim: 1, padIndex: -100 })
                : label;
            labels.push(toHost(await accelerator.gatherForMetrics(padded)));
          }
        }
        logits.dispose();
      } finally {
        tf.dispose(Object.values(inputs));
      }
    }
    const allPredictions =
      predictions.length > 0
        ? padAndConcatenate(predictions, -100)
        : new HostTensor(new Float32Array(0), [0], 'float32');
    const allLabels = labels.length > 0 ? padAndConcatenate(labels, -100) : null;
    let metrics: Record<string, number> = {};
    if (this.computeMetrics !== undefined && allLabels !== null) {
      metrics = { ...(await this.computeMetrics({ predictions: allPredictions, labelIds: allLabels })) };
    }
    if (lossCount > 0) metrics[`${prefix}_loss`] = lossSum / lossCount;
    // Python pops each unprefixed key and re-adds it prefixed, so those come after `eval_loss`.
    const prefixed: Record<string, number> = {};
    const entries = Object.entries(metrics);
    for (const [key, value] of entries) if (key.startsWith(`${prefix}_`)) prefixed[key] = value;
    for (const [key, value] of entries)
      if (!key.startsWith(`${prefix}_`)) prefixed[`${prefix}_${key}`] = value;
    return { predictions: allPredictions, labelIds: allLabels, metrics: prefixed, numSamples };
  }

  /** Writes `checkpoint-<globalStep>/` atomically, tracks the best metric and rotates old checkpoints. */
  async saveCheckpoint(metrics?: Record<string, number>): Promise<string> {
    const { args, state } = this;
    const dir = join(args.outputDir, `${PREFIX_CHECKPOINT_DIR}-${state.globalStep}`);
    if (metrics !== undefined && args.metricForBestModel !== undefined) {
      const key = args.metricForBestModel.startsWith('eval_')
        ? args.metricForBestModel
        : `eval_${args.metricForBestModel}`;
      const value = metrics[key];
      if (value === undefined) {
        throw new TrainerError(
          `The \`metricForBestModel\` training argument is set to '${key}', which is not found in the evaluation metrics. ` +
            `The available evaluation metrics are: ${Object.keys(metrics).join(', ')}.`,
        );
      }
      const greater = args.greaterIsBetter ?? true;
      if (state.bestMetric === null || (greater ? value > state.bestMetric : value < state.bestMetric)) {
        state.bestMetric = value;
        state.bestModelCheckpoint = dir;
      }
    }
    // Only the main process writes; the others wait so nobody reads a checkpoint before it exists.
    if (this.accelerator.isMainProcess) {
      await writeFolderAtomic(dir, async (tmp) => {
        await this.model.savePretrained(tmp);
        await this.processingClass?.savePretrained(tmp);
        if (!args.saveOnlyModel) {
          if (this.optimizer) await saveOptimizer(tmp, this.optimizer);
          if (this.lrScheduler) await saveScheduler(tmp, this.lrScheduler);
          await writeFileNamed(
            join(tmp, CHECKPOINT_FILES.rng),
            `${JSON.stringify({ seed: args.seed, scheme: 'dropout seed = f(seed, epoch, step)', global_step: state.globalStep })}\n`,
          );
        }
        await writeFileNamed(join(tmp, CHECKPOINT_FILES.trainerState), state.toJSONString());
        await writeFileNamed(
          join(tmp, CHECKPOINT_FILES.trainingArgs),
          `${JSON.stringify(args.toJSON(), null, 2)}\n`,
        );
      });
      await rotateCheckpoints(
        args.outputDir,
        args.saveTotalLimit,
        state.bestModelCheckpoint,
        args.loadBestModelAtEnd,
      );
    }
    await this.accelerator.waitForEveryone();
    await this.callbackHandler.call('onSave', args, state, this.control, { checkpoint: dir });
    return dir;
  }

  private async loadCheckpoint(dir: string): Promise<void> {
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(await readFile(join(dir, CHECKPOINT_FILES.trainerState), 'utf8')) as Record<
        string,
        unknown
      >;
    } catch (error) {
      throw new CheckpointError(
        `Cannot resume from ${dir}: ${CHECKPOINT_FILES.trainerState} is missing or invalid (${(error as Error).message})`,
      );
    }
    const saved = TrainerState.fromJSON(json);
    await loadModelWeights(dir, this.model.namedParameters());
    await loadOptimizer(dir, this.optimizer!);
    await loadScheduler(dir, this.lrScheduler!);
    const state = this.state;
    state.globalStep = saved.globalStep;
    state.epoch = saved.epoch;
    state.logHistory = saved.logHistory;
    state.bestMetric = saved.bestMetric;
    state.bestModelCheckpoint = saved.bestModelCheckpoint;
    state.totalFlos = saved.totalFlos;
    state.numInputTokensSeen = saved.numInputTokensSeen;
  }

  /**
   * Saves the model (and tokenizer) to `outputDir` or `dir` (Python `save_model`).
   * Each file is written under a temporary name and renamed; a write that fails
   * for a system reason (disk full...) throws {@link SaveError} naming the file
   * and the code, and the files already there stay whole.
   */
  async saveModel(dir: string = this.args.outputDir): Promise<void> {
    // Each step names what it writes, for errors that carry no path of their own.
    let writing = dir;
    try {
      await this.model.savePretrained(dir);
      await this.processingClass?.savePretrained(dir);
      writing = join(dir, CHECKPOINT_FILES.trainingArgs);
      await writeFileAtomic(writing, `${JSON.stringify(this.args.toJSON(), null, 2)}\n`);
    } catch (error) {
      const code = systemErrorCode(error);
      if (code === undefined || error instanceof SaveError) throw error;
      const path = failedPath(error, writing);
      throw new SaveError(
        `Cannot save the model to ${dir}: ${describeCode(code)} while writing ${path}. ` +
          'No file was left half-written; files written before the failure were replaced whole.',
        path,
        code,
        error,
      );
    }
  }

  /**
   * Deletes the temporary checkpoint folders that a run killed while saving
   * left in outputDir (see `removeOrphanTemps`). Only the main process writes
   * checkpoints, so only it cleans; when resuming, the others wait for it so
   * that a checkpoint restored from an interrupted replacement is visible to all.
   */
  private async removeOrphanCheckpoints(resuming: boolean): Promise<void> {
    if (this.accelerator.isMainProcess) {
      try {
        const { removed, restored } = await removeOrphanTemps(this.args.outputDir);
        const quiet = this.args.logLevel === 'error' || this.args.logLevel === 'critical';
        if (!quiet && removed.length + restored.length > 0) {
          console.warn(
            `Removed ${removed.length} unfinished checkpoint folder(s) left by an interrupted save in ${this.args.outputDir}` +
              (restored.length > 0 ? `; restored ${restored.join(', ')}` : ''),
          );
        }
      } catch (error) {
        // Leftovers waste disk space but do not stop training.
        console.warn(
          `Could not clean temporary checkpoint folders in ${this.args.outputDir}: ${(error as Error).message}`,
        );
      }
    }
    if (resuming) await this.accelerator.waitForEveryone();
  }

  /** Frees optimizer state (the model stays usable). */
  dispose(): void {
    this.optimizer?.dispose();
  }
}

/** The lengths stored in a column, for `groupByLength` with a custom `lengthColumnName`. */
function columnLengths(dataset: RowSource<unknown>, column: string): number[] {
  const count = rowCount(dataset);
  const out: number[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const value = (rowAt(dataset, i) as Record<string, unknown>)[column];
    if (typeof value !== 'number') {
      throw new TrainerError(`groupByLength: row ${i} has no numeric '${column}' column (lengthColumnName)`);
    }
    out[i] = value;
  }
  return out;
}

function accumulateGrads(
  sum: Map<string, tf.Tensor> | undefined,
  next: Map<string, tf.Tensor>,
): Map<string, tf.Tensor> {
  if (sum === undefined) return next;
  for (const [name, grad] of next) {
    const previous = sum.get(name);
    if (previous === undefined) {
      sum.set(name, grad);
      continue;
    }
    sum.set(name, tf.add(previous, grad));
    previous.dispose();
    grad.dispose();
  }
  return sum;
}
