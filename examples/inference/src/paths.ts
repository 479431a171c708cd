// Where the default models live, resolved relative to this file so the example works from any
// working directory and on CI, where ../shared sits beside the clone.
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';

const exampleDir = resolve(import.meta.dirname, '..');

/** `../shared/oracle/pipeline` beside the repository: the tiny BERT the Python oracle ran. */
export const oracleDir = resolve(exampleDir, '..', '..', '..', 'shared', 'oracle', 'pipeline');

/** Where `examples/conll2003-trainer` saves its final model and tokenizer. */
export const trainerFinalDir = resolve(exampleDir, '..', 'conll2003-trainer', 'outputs', 'final');

/** This example's own outputs (git-ignored). */
export const outputsDir = resolve(exampleDir, 'outputs');

const besideRepo = resolve(exampleDir, '..', '..', '..');

/**
 * A path as it reads best in the log and in the commands shown: relative to the working
 * directory when it lies in the repository or beside it (`../shared`), absolute otherwise.
 * Anything that is not an absolute path (a Hub id) is returned as given.
 */
export function displayPath(path: string): string {
  if (!isAbsolute(path)) return path;
  if (path !== besideRepo && !path.startsWith(besideRepo + sep)) return path;
  return relative(process.cwd(), path) || '.';
}

/** The model and tokenizer to load, and why they were chosen. */
export interface ModelChoice {
  model: string;
  /** Only set when the tokenizer files are not in the model folder. */
  tokenizer?: string;
  /** One line for the log. */
  reason: string;
  /** True for the oracle model: its outputs can be compared with Python's. */
  isOracle: boolean;
}

function oracleChoice(reason: string): ModelChoice {
  const model = resolve(oracleDir, 'model');
  if (!existsSync(resolve(model, 'config.json'))) {
    throw new Error(
      `The default model ${model} is missing: this example needs the project's shared/ folder beside the repository (../shared), or pass --model.`,
    );
  }
  // The oracle keeps tokenizer.json one level above the model folder.
  return { model, tokenizer: oracleDir, reason, isOracle: true };
}

/**
 * `--model` when given; in smoke mode the oracle model (CI runs the examples in any order, so
 * smoke must not need the trainer's output); otherwise the trainer's saved model when it
 * exists, else the oracle model.
 */
export function chooseModel(options: { model?: string; tokenizer?: string; smoke: boolean }): ModelChoice {
  if (options.model !== undefined) {
    const model = options.model;
    const isOracle = resolve(model) === resolve(oracleDir, 'model');
    const tokenizer = options.tokenizer ?? (isOracle ? oracleDir : undefined);
    return {
      model,
      ...(tokenizer === undefined ? {} : { tokenizer }),
      reason: 'given with --model',
      isOracle,
    };
  }
  if (options.smoke) {
    return oracleChoice('--smoke uses the oracle model, which exists without training');
  }
  if (existsSync(resolve(trainerFinalDir, 'config.json'))) {
    return {
      model: trainerFinalDir,
      ...(options.tokenizer === undefined ? {} : { tokenizer: options.tokenizer }),
      reason: 'the model saved by examples/conll2003-trainer',
      isOracle: false,
    };
  }
  return oracleChoice(
    `examples/conll2003-trainer has not saved ${trainerFinalDir} yet; using the oracle model, which exists without training`,
  );
}
