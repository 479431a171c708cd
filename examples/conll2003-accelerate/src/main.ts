// CoNLL-2003 token classification with a hand-written training loop and the Accelerator,
// as in the Hugging Face course's chapter 7 section "A custom training loop" (🤗 Accelerate):
// loaders (train shuffled, eval not) → AdamW → accelerator.prepare → linear schedule →
// train with a progress bar → per-epoch evaluation (argmax, pad across processes, gather,
// seqeval) → wait for everyone, unwrap, save model + tokenizer from the main process.
//
// Run it on two processes: `ner-launch --nproc-per-node 2 src/main.ts` (see README). Every
// process runs this whole file; the Accelerator shards the loaders and averages gradients.
//
// Offline default: a small BERT initialised from scratch with the bert-base-cased vocabulary
// from ../shared/data (pretrained weights cannot be downloaded here), trained on a subset.
import { appendFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Tokenizer, tokenizeAndAlignLabels } from '@ner/align';
import { DataCollatorForTokenClassification, DataLoader, HostTensor } from '@ner/collate';
import { CONLL2003_NER_NAMES, loadDataset } from '@ner/datasets';
import { AutoModelForTokenClassification, BertConfig, initBackend } from '@ner/models';
import { predictionsToTags, Seqeval } from '@ner/seqeval';
import { Accelerator } from '@ner/accelerate';
import { AdamW, formatDuration, getScheduler } from '@ner/trainer';
import * as tf from '@tensorflow/tfjs-core';
import cliProgress from 'cli-progress';

const shared = resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'data');
// `pnpm start -- --epochs 3` hands the script a literal `--` first (pnpm 10): skip it.
const argv = process.argv.slice(2);
const { values: opts } = parseArgs({
  args: argv[0] === '--' ? argv.slice(1) : argv,
  options: {
    model: { type: 'string' },
    data: { type: 'string', default: resolve(shared, 'conll2003') },
    tokenizer: { type: 'string', default: resolve(shared, 'tokenizers', 'bert-base-cased') },
    output: { type: 'string', default: resolve(import.meta.dirname, '..', 'outputs') },
    'train-size': { type: 'string', default: '1000' },
    'eval-size': { type: 'string', default: '200' },
    epochs: { type: 'string', default: '2' },
    'batch-size': { type: 'string', default: '8' },
    'learning-rate': { type: 'string' },
    seed: { type: 'string', default: '42' },
    'gradient-accumulation-steps': { type: 'string', default: '1' },
    smoke: { type: 'boolean', default: false },
  },
});

function positiveInt(flag: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${flag} needs a positive integer, got ${raw}`);
  return value;
}
const smoke = opts.smoke;
const trainSize = smoke ? 32 : positiveInt('train-size', opts['train-size']);
const evalSize = smoke ? 20 : positiveInt('eval-size', opts['eval-size']);
const numTrainEpochs = smoke ? 1 : positiveInt('epochs', opts.epochs);
const batchSize = positiveInt('batch-size', opts['batch-size']);
// The smoke run accumulates over its 2 micro-batches, so CI goes through accelerator.accumulate.
const gradientAccumulationSteps = smoke
  ? 2
  : positiveInt('gradient-accumulation-steps', opts['gradient-accumulation-steps']);
const seed = Number(opts.seed);
if (!Number.isInteger(seed) || seed < 0)
  throw new Error(`--seed needs a non-negative integer, got ${opts.seed}`);
const started = performance.now();

// Every process runs the script; only the main process talks (accelerate's `accelerator.print`).
const accelerator = new Accelerator({ gradientAccumulationSteps });
await initBackend({ log: accelerator.isMainProcess ? undefined : null });
accelerator.print(`${accelerator.numProcesses} process(es), tfjs backend ${tf.getBackend()}`);
if (!existsSync(opts.data)) throw new Error(`--data ${opts.data} does not exist`);
const rawDatasets = await loadDataset(opts.data);
accelerator.print(rawDatasets.toString());
const labelNames = CONLL2003_NER_NAMES as readonly string[];
const id2label = Object.fromEntries(labelNames.map((name, i) => [i, name]));
const label2id = Object.fromEntries(labelNames.map((name, i) => [name, i]));

const tokenizer = await Tokenizer.fromPretrained(opts.model ?? opts.tokenizer);
const tokenize = tokenizeAndAlignLabels(tokenizer, { strategy: 'all', labelNames, maxLength: 128 });
const firstRows = (split: string, n: number, flag: string) => {
  const dataset = rawDatasets.get(split);
  if (n > dataset.numRows)
    throw new Error(`--${flag} ${n}: the ${split} split has only ${dataset.numRows} rows`);
  return dataset
    .select(Array.from({ length: n }, (_, i) => i))
    .map(tokenize, { batched: true, removeColumns: dataset.columnNames });
};
const trainDataset = firstRows('train', trainSize, 'train-size');
const evalDataset = firstRows('validation', evalSize, 'eval-size');

// DataLoader(tokenized_datasets["train"], shuffle=True, collate_fn=data_collator, batch_size=8)
const dataCollator = new DataCollatorForTokenClassification({ padTokenId: tokenizer.padTokenId });
const trainDataloader0 = new DataLoader(trainDataset, {
  shuffle: true,
  seed,
  collateFn: dataCollator.collateFn,
  batchSize,
});
const evalDataloader0 = new DataLoader(evalDataset, { collateFn: dataCollator.collateFn, batchSize });

// A pretrained checkpoint when --model is given (e.g. bert-base-cased on a machine with network);
// otherwise a small BERT from scratch, which needs a much larger learning rate than 2e-5.
const model0 = opts.model
  ? await AutoModelForTokenClassification.fromPretrained(opts.model, { id2label, label2id })
  : AutoModelForTokenClassification.fromConfig(
      new BertConfig({
        vocabSize: tokenizer.vocabSize,
        hiddenSize: 64,
        numHiddenLayers: 2,
        numAttentionHeads: 4,
        intermediateSize: 128,
        maxPositionEmbeddings: 128,
        id2label,
        label2id,
      }),
      { seed },
    );
const learningRate = Number(opts['learning-rate'] ?? (opts.model ? 2e-5 : 2e-3));
// torch.optim.AdamW(model.parameters(), lr=2e-5): weight decay 0.01 on every weight, as torch's default.
const optimizer0 = new AdamW(model0.namedParameters(), { lr: learningRate });

// Rank 0's weights go to every process; the loaders are sharded (each process gets its own
// `batchSize` rows per step, so a step sees numProcesses × batchSize rows in all).
const [model, optimizer, trainDataloader, evalDataloader] = await accelerator.prepare(
  model0,
  optimizer0,
  trainDataloader0,
  evalDataloader0,
);

// As in the course, the schedule is sized on the *prepared* loader (steps per process) and
// stepped once per optimizer step, so it is not passed through `prepare`.
// One optimizer step per `gradientAccumulationSteps` micro-batches, the last group of an epoch
// included (accelerate's gradient_accumulation example sizes the schedule the same way).
const numUpdateStepsPerEpoch = Math.ceil(trainDataloader.length / gradientAccumulationSteps);
const numTrainingSteps = numTrainEpochs * numUpdateStepsPerEpoch;
const lrScheduler = getScheduler('linear', optimizer, { numWarmupSteps: 0, numTrainingSteps });
accelerator.print(
  `train ${trainDataset.numRows} rows, validation ${evalDataset.numRows} rows; ` +
    `${numUpdateStepsPerEpoch} steps per epoch per process (batch ${batchSize} × ${accelerator.numProcesses} processes` +
    `${gradientAccumulationSteps > 1 ? ` × ${gradientAccumulationSteps} accumulated` : ''}), ` +
    `${numTrainingSteps} steps, lr ${learningRate}`,
);

/**
 * tqdm(range(num_training_steps)) on the main process: a live bar on a TTY (lines printed
 * above it), plain lines otherwise.
 */
class Progress {
  private readonly bars: cliProgress.MultiBar | undefined;
  private readonly bar: cliProgress.SingleBar | undefined;
  private done = 0;
  private readonly t0 = performance.now();
  constructor(
    private readonly total: number,
    private readonly show: boolean,
  ) {
    if (!show || !process.stderr.isTTY) return;
    this.bars = new cliProgress.MultiBar(
      {
        format: ' {bar} {value}/{total} [{elapsedTime}<{etaTime}, {speed} it/s, loss {loss}]',
        hideCursor: true,
        clearOnComplete: false,
        stream: process.stderr,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar = this.bars.create(total, 0, { elapsedTime: '00:00', etaTime: '?', speed: '?', loss: '-' });
  }
  update(loss: number): void {
    this.done += 1;
    if (!this.show) return;
    const elapsed = (performance.now() - this.t0) / 1000;
    const rate = this.done / elapsed;
    const fields = {
      elapsedTime: formatDuration(elapsed),
      etaTime: formatDuration((this.total - this.done) / rate),
      speed: rate.toFixed(2),
      loss: loss.toFixed(4),
    };
    if (this.bar) {
      this.bar.update(this.done, fields);
      // The loop keeps the event loop busy, so cli-progress' redraw timer rarely fires: draw now.
      this.bars?.update();
    } else if (this.done % 20 === 0 || this.done === this.total) {
      process.stderr.write(
        `step ${this.done}/${this.total} | ${fields.speed} it/s | ETA ${fields.etaTime} | loss ${fields.loss}\n`,
      );
    }
  }
  /** Prints a line of results (above the bar on a TTY). */
  log(line: string): void {
    if (!this.show) return;
    if (this.bars) {
      this.bars.log(`${line}\n`);
      this.bars.update();
    } else console.log(line);
  }
  stop(): void {
    this.bars?.stop();
  }
}

const outputDir = opts.output;
if (accelerator.isMainProcess) {
  rmSync(resolve(outputDir, 'metrics.jsonl'), { force: true });
  mkdirSync(outputDir, { recursive: true });
}
const metric = new Seqeval();
// Tensors alive after the first step (weights + AdamW moments): the count must stay flat.
let steadyTensors: number | undefined;
model.setSeed(seed);
const progress = new Progress(numTrainingSteps, accelerator.isMainProcess);
for (let epoch = 0; epoch < numTrainEpochs; epoch++) {
  const epochStarted = performance.now();
  // Training (model.train(): dropout on)
  trainDataloader.setEpoch(epoch);
  for (const batch of trainDataloader) {
    // with accelerator.accumulate(model): outputs = model(**batch); accelerator.backward(outputs.loss).
    // `grads` comes back on the group's last micro-batch (every one when not accumulating): the
    // group's gradients averaged over the processes. The collator's batch goes in as it is.
    const { loss, grads } = await accelerator.accumulate(model, batch);
    const lossValue = (await loss.data())[0]!;
    loss.dispose();
    if (grads) {
      optimizer.step(grads);
      lrScheduler.step();
      tf.dispose([...grads.values()]);
      progress.update(lossValue);
      steadyTensors ??= tf.memory().numTensors;
    }
  }

  // Evaluation (model.eval(), no gradients)
  for (const batch of evalDataloader) {
    const argmax = tf.tidy(() => tf.argMax(model.forward(batch, { training: false }).logits, -1));
    const predictions = new HostTensor(Int32Array.from(await argmax.data()), argmax.shape, 'int32');
    argmax.dispose();
    // Processes hold batches padded to different lengths: pad to the longest before gathering.
    const predictionsPadded = await accelerator.padAcrossProcesses(predictions, { dim: 1, padIndex: -100 });
    const labelsPadded = await accelerator.padAcrossProcesses(batch.labels!, { dim: 1, padIndex: -100 });
    // gatherForMetrics = gather, minus the samples repeated to even out the last batch
    // (the course's plain `gather` counts those twice).
    const predictionsGathered = await accelerator.gatherForMetrics(predictionsPadded);
    const labelsGathered = await accelerator.gatherForMetrics(labelsPadded);
    if (accelerator.isMainProcess) {
      const { yTrue, yPred } = predictionsToTags(predictionsGathered, labelsGathered, labelNames);
      metric.addBatch({ predictions: yPred, references: yTrue });
    }
  }
  if (tf.memory().numTensors !== steadyTensors) {
    throw new Error(
      `tensor leak: ${steadyTensors} tensors after the first step, ${tf.memory().numTensors} after epoch ${epoch}`,
    );
  }
  if (accelerator.isMainProcess) {
    // Each validation sentence exactly once, whatever the number of processes.
    if (metric.size !== evalDataset.numRows) {
      throw new Error(`evaluation scored ${metric.size} sentences, expected ${evalDataset.numRows}`);
    }
    const results = metric.compute();
    const seconds = (performance.now() - epochStarted) / 1000;
    progress.log(
      `epoch ${epoch} (${seconds.toFixed(1)} s, train + eval; ${evalDataset.numRows} sentences scored):`,
    );
    for (const [type, s] of Object.entries(results)) {
      if (typeof s === 'object')
        progress.log(
          `  ${type.padEnd(5)} p=${s.precision.toFixed(3)} r=${s.recall.toFixed(3)} f1=${s.f1.toFixed(3)} n=${s.number}`,
        );
    }
    const overall = {
      precision: results.overall_precision,
      recall: results.overall_recall,
      f1: results.overall_f1,
      accuracy: results.overall_accuracy,
    };
    progress.log(`epoch ${epoch}: ${JSON.stringify(overall)}`);
    appendFileSync(
      resolve(outputDir, 'metrics.jsonl'),
      `${JSON.stringify({ epoch, ...overall, results, seconds })}\n`,
    );
  }

  // Save (every epoch, as the course does): main process only, after everyone is done.
  await accelerator.waitForEveryone();
  const unwrappedModel = accelerator.unwrapModel(model);
  await accelerator.save(unwrappedModel, outputDir);
  if (accelerator.isMainProcess) await tokenizer.savePretrained(outputDir);
}

progress.stop();
accelerator.print(`model, tokenizer and metrics.jsonl saved to ${outputDir}`);
accelerator.print(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
await accelerator.endTraining();
