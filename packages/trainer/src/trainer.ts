import type { RowSource } from '@ner/collate';
import * as tf from '@tensorflow/tfjs-core';
import {
  Accelerator,
  findExecutableBatchSize,
  type PreparedDataLoader,
  shouldReduceBatchSize,
} from '@ner/accelerate';
import {
  type AutocastDtype,
  AutocastUnsupportedError,
  autocastSupported,
  setMatMulTf32,
  withAutocast,
} from '@ner/models';
import { assertOptionNames } from '@ner/models/internal';
import type { AdamW } from './adamw.js';
import { CallbackHandler, type TrainerCallback, TrainerControl } from './callbacks.js';
import {
  checkpointFolder,
  cleanCheckpointLeftovers,
  resolveResumeCheckpoint,
  saveModelFiles,
  updateBestMetric,
  writeCheckpoint,
} from './checkpoint.js';
import {
  checkpointArgumentsWarning,
  loadCheckpoint,
  readCheckpointArguments,
  seedChangeWarning,
} from './checkpoint-resume.js';
import { defaultCallbacks } from './default-flow-callback.js';
import { NonFiniteLossError, TrainerError } from './errors.js';
import { addSpeedMetrics, predictBatch, runEvaluationLoop } from './evaluation-loop.js';
import { HubPusher, type PushToHubOptions } from './hub-push.js';
import { labelSmoothedLoss } from './label-smoother.js';
import { quiet } from './logging-callbacks.js';
import { toModelInputs } from './model-batch.js';
import { getScheduler, type LambdaLR } from './schedules.js';
import { saveRetryPoint } from './retry-point.js';
import { roundTo } from './speed-metrics.js';
import type { TrainableModel } from './trainable-model.js';
import { TrainerState } from './trainer-state.js';
import type * as types from './trainer-types.js';
import { TRAINER_OPTION_NAMES, TRAINER_UNSUPPORTED_OPTIONS } from './trainer-types.js';
import { checkMethodOptionNames, type TrainOptions } from './method-option-names.js';
import { runTrainingLoop, type TrainingLoopHost } from './training-loop.js';
import {
  createAdamW,
  lossAndGradients,
  lossOf,
  nonEmbeddingParameterCount,
  planTraining,
  startRunState,
  trainLoaderOptions,
} from './training-plan.js';
import { TrainingLossTracker } from './training-logs.js';
import { TrainingArguments } from './training-arguments.js';

/**
 * transformers' `Trainer` for the models of @ner/models (or any
 * {@link TrainableModel}): AdamW with the no-decay groups, the chosen
 * schedule, gradient accumulation and clipping, logging, evaluation,
 * checkpoints that resume exactly, and callbacks.
 *
 * Subclass it to change a step, as in Python: {@link computeLoss} (a custom
 * loss; the README shows a class-weighted one), {@link trainingStep},
 * {@link predictionStep} and {@link evaluationLoop} are protected and called
 * for every batch.
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
  readonly computeMetrics: types.ComputeMetrics | undefined;
  readonly processingClass: types.ProcessingClass | undefined;
  optimizer: AdamW | undefined;
  lrScheduler: LambdaLR | undefined;
  /** The Hub side (`pushToHub`, model card, background pushes); `hub.repoId` once the repo exists. */
  readonly hub: HubPusher;
  private readonly collateFn: types.TrainerOptions<Row>['dataCollator'];
  private readonly losses: TrainingLossTracker;
  private readonly nonEmbeddingParameters: number;
  private training = false;
  /**
   * Rows per training batch on this process (Python `_train_batch_size`): `perDeviceTrainBatchSize`
   * until a resumed checkpoint or `autoFindBatchSize` says otherwise.
   */
  private trainBatchSize: number;
  /** Whether {@link lrScheduler} is the Trainer's own (Python `_created_lr_scheduler`). */
  private createdLrScheduler = false;
  /** `onInitEnd` hooks still running (async ones); train/evaluate/predict wait for them. */
  private readonly initEnd: Promise<void> | undefined;

  constructor(options: types.TrainerOptions<Row>) {
    // The options are required: assertOptionNames takes `undefined` as none given.
    if (options === undefined) throw new TrainerError('Trainer: options must be an object, got undefined');
    assertOptionNames(
      options,
      { known: TRAINER_OPTION_NAMES, unsupported: TRAINER_UNSUPPORTED_OPTIONS },
      (name, problem) => new TrainerError(`Trainer: ${name ? `${name}: ` : ''}${problem}`),
    );
    if (options.model === undefined) throw new TrainerError('Trainer needs a model');
    this.model = options.model;
    this.args =
      options.args instanceof TrainingArguments ? options.args : new TrainingArguments(options.args);
    this.trainDataset = options.trainDataset;
    this.evalDataset = options.evalDataset;
    this.collateFn = options.dataCollator;
    this.computeMetrics = options.computeMetrics;
    this.processingClass = options.processingClass ?? options.tokenizer;
    this.trainBatchSize = this.args.perDeviceTrainBatchSize;
    this.optimizer = options.optimizers?.[0];
    this.lrScheduler = options.optimizers?.[1];
    this.accelerator = options.accelerator ?? new Accelerator();
    this.losses = new TrainingLossTracker(this.accelerator);
    this.state.isWorldProcessZero = this.accelerator.isMainProcess;
    this.state.isLocalProcessZero = this.accelerator.isLocalMainProcess;
    this.callbackHandler = new CallbackHandler([
      ...defaultCallbacks(this.args),
      ...(options.callbacks ?? []),
    ]);
    this.nonEmbeddingParameters = nonEmbeddingParameterCount(this.model);
    if (this.args.evalStrategy !== 'no' && this.evalDataset === undefined) {
      throw new TrainerError(
        `You have set args.evalStrategy to '${this.args.evalStrategy}' but you didn't pass an evalDataset to Trainer.`,
      );
    }
    this.hub = new HubPusher(this);
    // Async onInitEnd hooks and (with pushToHub) the repo's creation: a failure surfaces in the next
    // train/evaluate/predict, not as an unhandled rejection.
    this.initEnd = this.hub.initIfPushing(
      this.callbackHandler.dispatch('onInitEnd', this.args, this.state, this.control),
    );
  }

  /**
   * Whether the model runs in training mode now (dropout on): true inside
   * {@link trainingStep}, false inside {@link predictionStep}. Python's
   * `model.training`; pass it on in an overridden {@link computeLoss}:
   * `model.forward(inputs, { training: this.modelTraining })`.
   */
  get modelTraining(): boolean {
    return this.training;
  }

  /** Adds a callback (Python `add_callback`). */
  addCallback(callback: TrainerCallback): void {
    this.callbackHandler.add(callback);
  }

  /** The sharded, shuffled loader of `trainDataset` (Python `get_train_dataloader`). */
  getTrainDataloader(): PreparedDataLoader<Row, unknown> {
    const dataset = this.trainDataset;
    if (dataset === undefined) throw new TrainerError('Trainer: training requires a trainDataset.');
    return this.accelerator.prepareDataLoader<Row, unknown>(dataset, {
      ...trainLoaderOptions(this.args, dataset, this.trainBatchSize),
      ...(this.collateFn !== undefined ? { collateFn: this.collateFn } : {}),
    });
  }

  /** The sharded loader of `evalDataset` or the dataset given, in order (Python `get_eval_dataloader`). */
  getEvalDataloader(evalDataset?: RowSource<Row>): PreparedDataLoader<Row, unknown> {
    const dataset = evalDataset ?? this.evalDataset;
    if (dataset === undefined) throw new TrainerError('Trainer: evaluation requires an evalDataset.');
    return this.accelerator.prepareDataLoader<Row, unknown>(dataset, {
      batchSize: this.args.perDeviceEvalBatchSize,
      ...(this.collateFn !== undefined ? { collateFn: this.collateFn } : {}),
    });
  }

  /** Python `create_optimizer_and_scheduler`. */
  createOptimizerAndScheduler(numTrainingSteps: number): void {
    this.optimizer ??= createAdamW(this.model, this.args);
    if (this.lrScheduler === undefined) {
      this.createdLrScheduler = true;
      this.lrScheduler = getScheduler(this.args.lrSchedulerType, this.optimizer, {
        ...this.args.lrSchedulerKwargs,
        numWarmupSteps: this.args.getWarmupSteps(numTrainingSteps),
        numTrainingSteps,
      });
    }
  }

  /**
   * Runs training. `resumeFromCheckpoint`: a checkpoint folder, or `true` for
   * the newest `checkpoint-N` in outputDir; model, optimizer, scheduler and
   * trainer state are restored and the data order continues where it stopped,
   * so the losses equal an uninterrupted run's. A resumed run batches as the
   * checkpoint's run did (its `train_batch_size`), as in Python.
   *
   * With `autoFindBatchSize`, a run that runs out of memory starts again at
   * half the batch size (see {@link TrainingArguments.autoFindBatchSize}).
   */
  async train(options: TrainOptions = {}): Promise<types.TrainOutput> {
    checkMethodOptionNames(options, 'train');
    await this.initEnd;
    const args = this.args;
    if (this.trainDataset === undefined) throw new TrainerError('Trainer: training requires a trainDataset.');
    this.checkPrecision();
    if (args.autoFindBatchSize && this.accelerator.numProcesses > 1) {
      throw new TrainerError(
        `autoFindBatchSize works in one process; this run has ${this.accelerator.numProcesses}. Each process ` +
          'would search on its own and the others would wait for it in a collective. Set ' +
          'perDeviceTrainBatchSize to a size that fits instead.',
      );
    }
    await cleanCheckpointLeftovers(args, this.accelerator, Boolean(options.resumeFromCheckpoint));
    const resumeDir = await resolveResumeCheckpoint(args.outputDir, options.resumeFromCheckpoint);
    let batchSize = args.perDeviceTrainBatchSize;
    if (resumeDir !== undefined) {
      const saved = await readCheckpointArguments(resumeDir);
      batchSize = saved.trainBatchSize ?? batchSize;
      const warning = checkpointArgumentsWarning(args, saved);
      if (warning !== undefined && !quiet(args) && this.accelerator.isMainProcess) console.warn(warning);
    }
    if (!args.autoFindBatchSize) return this.innerTrainingLoop(batchSize, resumeDir);
    return this.trainFindingBatchSize(batchSize, resumeDir);
  }

  /**
   * `autoFindBatchSize`: runs {@link innerTrainingLoop} through accelerate's
   * `findExecutableBatchSize`, putting weights and states back as they were
   * before each retry (see `retry-point.ts`).
   */
  private async trainFindingBatchSize(startingBatchSize: number, resumeDir: string | undefined) {
    const hadOptimizer = this.optimizer !== undefined;
    const start = saveRetryPoint(this.model, {
      weights: resumeDir === undefined,
      optimizer: this.optimizer,
      lrScheduler: this.createdLrScheduler ? undefined : this.lrScheduler,
    });
    let attempts = 0;
    const train = findExecutableBatchSize(
      (batchSize: number) => {
        if (attempts++ > 0) {
          if (!hadOptimizer) {
            // The Trainer made it in the failed attempt: the next attempt makes a fresh one.
            this.optimizer?.dispose();
            this.optimizer = undefined;
          }
          start.restore();
        }
        return this.innerTrainingLoop(batchSize, resumeDir);
      },
      startingBatchSize,
      {
        onReduce: ({ from, to, error }) => {
          if (quiet(this.args) || !this.accelerator.isMainProcess) return;
          console.warn(
            `autoFindBatchSize: out of memory at a batch size of ${from} (${error.message}); training again from the start at ${to}.`,
          );
        },
      },
    );
    return train();
  }

  /**
   * One training run at `batchSize` rows per process (Python `_inner_training_loop`): the loader,
   * the plan, a fresh state, the optimizer and (when the Trainer made it) a fresh schedule, the
   * checkpoint if resuming, then the loop.
   */
  private async innerTrainingLoop(
    batchSize: number,
    resumeDir: string | undefined,
  ): Promise<types.TrainOutput> {
    const args = this.args;
    this.trainBatchSize = batchSize;
    const loader = this.getTrainDataloader();
    if (loader.length === 0) throw new TrainerError('Trainer: the training dataloader is empty.');
    const plan = planTraining(args, batchSize, loader.length, loader.numRows, this.accelerator.numProcesses);
    // As Python's `_created_lr_scheduler`: a schedule the Trainer made is made again for this run's
    // length (a second train(), or a retry at another batch size); one the user gave is kept.
    if (this.createdLrScheduler) {
      this.lrScheduler = undefined;
      this.createdLrScheduler = false;
    }
    this.createOptimizerAndScheduler(plan.maxSteps);
    if (args.gradientCheckpointing) {
      if (this.model.gradientCheckpointingEnable === undefined) {
        throw new TrainerError(
          'gradientCheckpointing: the model does not support gradient checkpointing (it has no gradientCheckpointingEnable method).',
        );
      }
      this.model.gradientCheckpointingEnable();
    }
    // Every process starts from rank 0's weights (DDP's initial broadcast).
    await this.accelerator.broadcastParameters(this.model);
    startRunState(this.state, args, plan);
    if (resumeDir !== undefined) {
      const saved = await loadCheckpoint(
        resumeDir,
        this.model,
        this.optimizer!,
        this.lrScheduler!,
        this.state,
      );
      const warning = seedChangeWarning(resumeDir, saved, args, this.state.globalStep);
      if (warning !== undefined && !quiet(args) && this.accelerator.isMainProcess) console.warn(warning);
    }
    return this.hub.afterTraining(await runTrainingLoop(this.trainingLoopHost(), loader, plan));
  }

  /**
   * An evaluation the training loop asked for. Under `autoFindBatchSize`, running out of memory
   * there is a `TrainerError` saying so: halving the training batch size (what Python's search
   * does with it, down to 1, training again each time) cannot help an evaluation batch.
   */
  private async evaluateDuringTraining(): Promise<Record<string, number>> {
    try {
      return await this.evaluate();
    } catch (error) {
      if (!this.args.autoFindBatchSize || !shouldReduceBatchSize(error)) throw error;
      throw new TrainerError(
        `Out of memory in the evaluation at step ${this.state.globalStep} (perDeviceEvalBatchSize ` +
          `${this.args.perDeviceEvalBatchSize}): autoFindBatchSize lowers the training batch size only; ` +
          `lower perDeviceEvalBatchSize. ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  /** This trainer as the training loop sees it: its state, and its overridable steps bound. */
  private trainingLoopHost(): TrainingLoopHost {
    return {
      args: this.args,
      state: this.state,
      control: this.control,
      callbacks: this.callbackHandler,
      model: this.model,
      accelerator: this.accelerator,
      optimizer: this.optimizer!,
      lrScheduler: this.lrScheduler!,
      losses: this.losses,
      trainingStep: (batch, accumulationSteps) => this.trainingStep(this.model, batch, accumulationSteps),
      evaluate: () => this.evaluateDuringTraining(),
      saveCheckpoint: (metrics) => this.saveCheckpoint(metrics),
      log: (logs) => this.log(logs),
    };
  }

  /**
   * The loss of prepared `inputs` (Python `compute_loss`). The default takes
   * the loss the model returns for the batch labels, or with
   * `labelSmoothingFactor` the label-smoothed loss of its logits (Python's
   * `LabelSmoother`, see `labelSmoothedLoss`). Override it for another
   * loss: build it from tfjs ops on `model.forward(inputs, { training:
   * this.modelTraining })`; during training it runs inside the gradient tape,
   * so gradients flow through whatever it computes.
   *
   * @param returnOutputs also return the model outputs, as `[loss, outputs]`
   *   (asked by {@link predictionStep} for the logits).
   */
  protected computeLoss(
    model: TrainableModel,
    inputs: types.PreparedInputs,
    returnOutputs = false,
  ): types.ComputeLossResult {
    const epsilon = this.args.labelSmoothingFactor;
    if (epsilon !== 0 && inputs.labels != null) {
      // Python pops the labels, runs the model on the rest and smooths the loss of its logits.
      const { labels, ...rest } = inputs;
      const outputs = model.forward(rest, { training: this.training });
      const loss = labelSmoothedLoss(outputs.logits, labels, epsilon);
      tf.dispose(outputs.loss);
      return returnOutputs ? [loss, { ...outputs, loss }] : loss;
    }
    // The loss alone needs no logits: a model's own computeLoss may skip them (see TrainableModel).
    if (!returnOutputs && model.computeLoss && inputs.labels != null)
      return model.computeLoss(inputs, { training: this.training });
    const outputs = model.forward(inputs, { training: this.training });
    if (outputs.loss === undefined) {
      tf.dispose(outputs.logits);
      throw new TrainerError(
        `The model did not return a loss from the inputs, only logits. The inputs it received are ${Object.keys(inputs).join(', ')}; the loss needs labels (labelNames: ${this.labelNames().join(', ')}).`,
      );
    }
    return returnOutputs ? [outputs.loss, outputs] : outputs.loss;
  }

  /**
   * One micro-batch of training (Python `training_step`): prepares the
   * collated batch, differentiates {@link computeLoss} with respect to every
   * weight, and returns the loss and gradients divided by
   * `accumulationSteps`. Throws {@link NonFiniteLossError} on a NaN or
   * infinite loss. Counts the tokens and FLOPs in `state`.
   */
  protected trainingStep(
    model: TrainableModel,
    inputs: types.CollatedBatch,
    accumulationSteps = this.args.gradientAccumulationSteps,
  ): types.TrainingStepOutput {
    const prepared = toModelInputs(inputs, this.labelNames());
    const tokens = prepared.input_ids.size;
    let result: { loss: number; grads: Map<string, tf.Tensor> };
    this.training = true;
    try {
      const lossAndGrads = () =>
        lossAndGradients(model, () => lossOf(this.computeLoss(model, prepared)), accumulationSteps);
      result = withAutocast(this.autocastDtype(), lossAndGrads);
    } finally {
      this.training = false;
      tf.dispose(Object.values(prepared));
    }
    const { loss, grads } = result;
    if (!Number.isFinite(loss)) {
      tf.dispose([...grads.values()]);
      throw new NonFiniteLossError(this.state.globalStep + 1, loss);
    }
    this.state.totalFlos += 6 * tokens * this.nonEmbeddingParameters;
    this.state.numInputTokensSeen += tokens;
    return { loss: loss / accumulationSteps, grads };
  }

  /**
   * `'bf16'` when `args.bf16`, or when the accelerator was made for bf16 (`ner-launch
   * --mixed-precision bf16`, as `accelerate launch --mixed_precision bf16` under Python's Trainer):
   * the steps' matmuls then run under autocast (Python `autocast_smart_context_manager`).
   */
  private autocastDtype(): AutocastDtype | null {
    return this.args.bf16 || this.accelerator.mixedPrecision === 'bf16' ? 'bf16' : null;
  }

  /**
   * Fails before any work when bf16 or TF32 is asked of a backend that cannot do it, and sets
   * TF32 as `args.tf32` says (Python sets `allow_tf32` when the arguments are made; here the
   * backend is known only when work starts).
   */
  private checkPrecision(): void {
    const dtype = this.autocastDtype();
    if (dtype && !autocastSupported(dtype)) throw new AutocastUnsupportedError(tf.getBackend(), dtype);
    if (this.args.tf32 !== undefined) setMatMulTf32(this.args.tf32);
  }

  private labelNames(): string[] {
    return this.args.labelNames ?? ['labels', 'label'];
  }

  /** Adds `epoch` (2 digits) and `step`, and appends to `log_history` (Python `Trainer.log`). */
  log(logs: Record<string, number>): void {
    logs.epoch = roundTo(this.state.epoch, 2);
    this.state.logHistory.push({ ...logs, step: this.state.globalStep });
  }

  /**
   * Runs evaluation on `evalDataset` (or the one given) and returns metrics
   * keyed `<metricKeyPrefix>_*` (Python `evaluate`). Without `computeMetrics`
   * only the loss is computed.
   */
  async evaluate(
    evalDataset?: RowSource<Row>,
    ignoreKeys?: string[],
    metricKeyPrefix = 'eval',
  ): Promise<Record<string, number>> {
    await this.initEnd;
    this.checkPrecision();
    const loader = this.getEvalDataloader(evalDataset);
    const started = performance.now();
    const lossOnly = this.computeMetrics === undefined ? true : undefined;
    const output = await this.evaluationLoop(loader, 'Evaluation', lossOnly, ignoreKeys, metricKeyPrefix);
    addSpeedMetrics(output, started, metricKeyPrefix, this.args.perDeviceEvalBatchSize);
    this.log(output.metrics);
    await this.callbackHandler.call('onLog', this.args, this.state, this.control, { logs: output.metrics });
    await this.callbackHandler.call('onEvaluate', this.args, this.state, this.control, {
      metrics: output.metrics,
    });
    return output.metrics;
  }

  /** Predictions (logits), labels and `test_*` metrics for a dataset (Python `predict`). */
  async predict(
    testDataset: RowSource<Row>,
    ignoreKeys?: string[],
    metricKeyPrefix = 'test',
  ): Promise<types.PredictionOutput> {
    await this.initEnd;
    this.checkPrecision();
    const loader = this.getEvalDataloader(testDataset);
    const started = performance.now();
    const output = await this.evaluationLoop(loader, 'Prediction', undefined, ignoreKeys, metricKeyPrefix);
    addSpeedMetrics(output, started, metricKeyPrefix, this.args.perDeviceEvalBatchSize);
    await this.callbackHandler.call('onPredict', this.args, this.state, this.control, {
      metrics: output.metrics,
    });
    return { predictions: output.predictions, labelIds: output.labelIds, metrics: output.metrics };
  }

  /**
   * The loop of {@link evaluate} and {@link predict} (Python
   * `evaluation_loop`): runs {@link predictionStep} on every batch, gathers
   * losses, logits and labels over the processes (padding with -100), calls
   * `computeMetrics` and prefixes the metric keys with `metricKeyPrefix`.
   *
   * @param description `'Evaluation'` or `'Prediction'`, printed with logLevel `'info'`.
   * @param predictionLossOnly only the loss; default `args.predictionLossOnly`.
   * @param ignoreKeys model output keys to leave out of the predictions.
   */
  protected async evaluationLoop(
    dataloader: PreparedDataLoader<Row, unknown>,
    description: string,
    predictionLossOnly?: boolean,
    ignoreKeys?: string[],
    metricKeyPrefix = 'eval',
  ): Promise<types.EvalLoopOutput> {
    const lossOnly = predictionLossOnly ?? this.args.predictionLossOnly;
    const step = (batch: types.CollatedBatch) => this.predictionStep(this.model, batch, lossOnly, ignoreKeys);
    return runEvaluationLoop(dataloader, description, step, this, metricKeyPrefix);
  }

  /**
   * One batch of evaluation (Python `prediction_step`): prepares the
   * collated batch and runs the model without dropout; the loss comes from
   * {@link computeLoss} when the batch has labels.
   *
   * @param predictionLossOnly return the loss only (no logits, no labels).
   * @param ignoreKeys model output keys to leave out of the predictions
   *   (`['logits']` leaves none).
   * @returns `{ loss, logits, labels }`; the caller disposes the tensors.
   */
  protected predictionStep(
    model: TrainableModel,
    inputs: types.CollatedBatch,
    predictionLossOnly: boolean,
    ignoreKeys?: string[],
  ): types.PredictionStepOutput {
    const prepared = toModelInputs(inputs, this.labelNames());
    try {
      const lossWithOutputs = () => this.computeLoss(model, prepared, true);
      const predict = () => predictBatch(model, prepared, lossWithOutputs, predictionLossOnly, ignoreKeys);
      return withAutocast(this.autocastDtype(), predict);
    } finally {
      tf.dispose(Object.values(prepared));
    }
  }

  /** Writes `checkpoint-<globalStep>/` atomically, tracks the best metric and rotates old checkpoints. */
  async saveCheckpoint(metrics?: Record<string, number>): Promise<string> {
    const { args, state } = this;
    const dir = checkpointFolder(args.outputDir, state.globalStep);
    updateBestMetric(args, state, metrics, dir);
    // Only the main process writes; the others wait so nobody reads a checkpoint before it exists.
    if (this.accelerator.isMainProcess) {
      const { model, processingClass, optimizer, lrScheduler } = this;
      await writeCheckpoint(dir, { model, processingClass, optimizer, lrScheduler }, args, state);
      await this.hub.afterCheckpoint(dir);
    }
    await this.accelerator.waitForEveryone();
    await this.callbackHandler.call('onSave', args, state, this.control, { checkpoint: dir });
    return dir;
  }

  /**
   * Saves the model (and tokenizer) to `outputDir` or `dir` (Python `save_model`).
   * Each file is written under a temporary name and renamed; a write that fails
   * for a system reason (disk full...) throws `SaveError` naming the file
   * and the code, and the files already there stay whole.
   */
  async saveModel(dir: string = this.args.outputDir): Promise<void> {
    await saveModelFiles(dir, this.model, this.processingClass, this.args);
    await this.hub.writeCard(dir);
  }

  /** Python `push_to_hub`: saves into outputDir, writes the card, uploads the folder ({@link PushToHubOptions}). */
  async pushToHub(options: PushToHubOptions = {}) {
    checkMethodOptionNames(options, 'pushToHub');
    await this.initEnd;
    return this.hub.push(options);
  }

  /** Frees optimizer state (the model stays usable). */
  dispose(): void {
    this.optimizer?.dispose();
  }
}
