// Optional first stage of the from-scratch job: masked-language-model pretraining on the training
// text (transformers' run_mlm recipe: BertForMaskedLM + DataCollatorForLanguageModeling, 15% of
// the tokens chosen, 80/10/10), saved as a checkpoint that the token-classification model then
// loads as from_pretrained does (encoder reused, classifier new).
import { resolve } from 'node:path';
import type { Tokenizer } from '@ner/align';
import { DataCollatorForLanguageModeling } from '@ner/collate';
import type { Dataset } from '@ner/datasets';
import { type BertConfig, BertForMaskedLM } from '@ner/models';
import { Trainer, TrainingArguments } from '@ner/trainer';

/** What {@link pretrainMaskedLM} needs. */
export interface PretrainOptions {
  readonly tokenizer: Tokenizer;
  /** Tokenized sentences (`input_ids`, `attention_mask`, `token_type_ids`; other columns are ignored). */
  readonly dataset: Dataset;
  readonly config: BertConfig;
  readonly epochs: number;
  readonly learningRate: number;
  readonly batchSize: number;
  readonly outputDir: string;
}

/** Trains a BertForMaskedLM and saves it to `<outputDir>/mlm`; returns that folder and the training time. */
export async function pretrainMaskedLM(options: PretrainOptions): Promise<{ dir: string; seconds: number }> {
  const { tokenizer } = options;
  const model = BertForMaskedLM.fromConfig(options.config, { seed: 42 });
  const special = [tokenizer.padTokenId, tokenizer.unkTokenId, tokenizer.clsTokenId, tokenizer.sepTokenId];
  const maskTokenId = tokenizer.config.vocab.get(tokenizer.config.maskToken);
  if (maskTokenId === undefined) throw new Error(`the tokenizer has no ${tokenizer.config.maskToken} token`);
  const collator = new DataCollatorForLanguageModeling({
    padTokenId: tokenizer.padTokenId,
    maskTokenId,
    vocabSize: tokenizer.vocabSize,
    specialTokenIds: [...special, maskTokenId],
    seed: 42,
  });
  const outputDir = resolve(options.outputDir, 'mlm');
  const trainer = new Trainer({
    model,
    args: new TrainingArguments({
      outputDir,
      overwriteOutputDir: true,
      evalStrategy: 'no',
      saveStrategy: 'no',
      learningRate: options.learningRate,
      numTrainEpochs: options.epochs,
      weightDecay: 0.01,
      warmupRatio: 0.1,
      perDeviceTrainBatchSize: options.batchSize,
      groupByLength: true,
      loggingSteps: 100,
      seed: 42,
    }),
    trainDataset: options.dataset,
    dataCollator: collator.collateFn,
  });
  console.log(`masked-LM pretraining on the training text: ${options.epochs} epoch(s)`);
  const output = await trainer.train();
  await model.savePretrained(outputDir);
  model.dispose();
  return { dir: outputDir, seconds: output.metrics.train_runtime ?? 0 };
}
