import type { TrainerCallback, TrainerControl } from './callbacks.js';
import { JsonlLoggerCallback, PrinterCallback, ProgressCallback } from './logging-callbacks.js';
import { TensorBoardCallback } from './tensorboard.js';
import type { TrainerState } from './trainer-state.js';
import type { TrainingArguments } from './training-arguments.js';

/**
 * transformers' `DefaultFlowCallback`: turns the logging, evaluation and save
 * strategies of {@link TrainingArguments} into {@link TrainerControl} flags.
 * After each optimizer step it asks for a log every `loggingSteps` (and after
 * the first step with `loggingFirstStep`), an evaluation every `evalSteps` (none
 * before `evalDelay` steps, or epochs with the strategy `'epoch'`), a
 * checkpoint every `saveSteps` (strategies `'steps'`, counted in `state`, where
 * ratios are already resolved), and the end of training at `maxSteps`; after
 * each epoch it asks for whatever has the strategy `'epoch'`.
 *
 * Every Trainer puts one first in its callback list, so callbacks added
 * later see its flags and may change them (clear `shouldSave` to skip a
 * checkpoint, say).
 */
export class DefaultFlowCallback implements TrainerCallback {
  onStepEnd = (args: TrainingArguments, state: TrainerState, control: TrainerControl): void => {
    const step = state.globalStep;
    if (step === 1 && args.loggingFirstStep) control.shouldLog = true;
    if (args.loggingStrategy === 'steps' && step % state.loggingSteps === 0) control.shouldLog = true;
    if (args.evalStrategy === 'steps' && step % state.evalSteps === 0 && args.evalDelay <= step)
      control.shouldEvaluate = true;
    if (args.saveStrategy === 'steps' && state.saveSteps > 0 && step % state.saveSteps === 0) {
      control.shouldSave = true;
    }
    if (step >= state.maxSteps) control.shouldTrainingStop = true;
  };

  onEpochEnd = (args: TrainingArguments, state: TrainerState, control: TrainerControl): void => {
    if (args.loggingStrategy === 'epoch') control.shouldLog = true;
    if (args.evalStrategy === 'epoch' && args.evalDelay <= state.epoch) control.shouldEvaluate = true;
    if (args.saveStrategy === 'epoch') control.shouldSave = true;
  };
}

/**
 * The callbacks every Trainer starts with, in Python's order: the flow first
 * (later callbacks see and may change its flags), the reporting integrations
 * of `reportTo`, then the progress bar (or `PrinterCallback` with `disableTqdm`).
 */
export function defaultCallbacks(args: TrainingArguments): TrainerCallback[] {
  const callbacks: TrainerCallback[] = [new DefaultFlowCallback()];
  if (args.reportTo.includes('jsonl')) callbacks.push(new JsonlLoggerCallback());
  if (args.reportTo.includes('tensorboard')) callbacks.push(new TensorBoardCallback());
  callbacks.push(args.disableTqdm ? new PrinterCallback() : new ProgressCallback());
  return callbacks;
}
