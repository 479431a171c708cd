import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { AGGREGATION_STRATEGIES, type AggregationStrategy } from '../aggregation-strategy.js';
import { PipelineError } from '../errors.js';
import { pipeline, type TokenClassifier } from '../factory.js';
import type { GroupedEntity, TokenClassificationOutput, TokenEntity } from '../types.js';
import { highlightEntities } from './highlight.js';
import { registerLoginCommand } from './login-command.js';
import { readAll, splitInputLines } from './read-input.js';

/** Where the CLI reads and writes; `process` in real use, buffers in tests. */
export interface CliIo {
  stdin: AsyncIterable<Buffer | string> | Iterable<Buffer | string>;
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
}

/** Bad input on standard input (exit code 1), reported as one line. */
class CliInputError extends Error {}

/** Exit codes, as the README documents them. */
export const CLI_EXIT_CODES = {
  ok: 0,
  /** The model, tokenizer, Hub or input failed: one line on stderr (`NER_DEBUG=1` adds the stack). */
  failed: 1,
  /** Usage: unknown command or option, a missing or bad option value. */
  usage: 2,
} as const;

interface PredictOptions {
  model: string;
  tokenizer?: string;
  aggregation: AggregationStrategy;
  format: 'jsonl' | 'pretty';
  stride?: number;
  batchSize: number;
  ignoreLabels?: string;
  color?: boolean;
}

/** A commander parser for integer options: a bad value is a usage error (exit code 2). */
function integerOption(allowZero: boolean): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < (allowZero ? 0 : 1)) {
      throw new InvalidArgumentError(`expected a ${allowZero ? 'non-negative' : 'positive'} integer.`);
    }
    return n;
  };
}

async function loadClassifier(options: PredictOptions): Promise<TokenClassifier> {
  // pipeline() checks the folder first, so a missing folder or label map gets a plain explanation.
  return pipeline('token-classification', {
    model: options.model,
    ...(options.tokenizer === undefined ? {} : { tokenizer: options.tokenizer }),
    aggregationStrategy: options.aggregation,
    batchSize: options.batchSize,
    ...(options.stride === undefined ? {} : { stride: options.stride }),
    ...(options.ignoreLabels === undefined
      ? {}
      : { ignoreLabels: options.ignoreLabels.split(',').filter((label) => label !== '') }),
  });
}

async function predict(options: PredictOptions, io: CliIo): Promise<void> {
  const lines = splitInputLines(await readAll(io.stdin));
  if (lines.every((line) => line.trim() === '')) {
    throw new CliInputError(
      'No input: give one text per line on standard input (e.g. ner predict --model DIR < texts.txt).',
    );
  }
  const ner = await loadClassifier(options);
  const color =
    options.color ?? (Boolean(io.stdout.isTTY) && io.env.NO_COLOR === undefined && io.env.TERM !== 'dumb');
  try {
    // Lines go through in slices so output starts early and memory stays bounded.
    const slice = 64;
    for (let from = 0; from < lines.length; from += slice) {
      const texts = lines.slice(from, from + slice);
      const results: TokenClassificationOutput[] = await ner(texts);
      texts.forEach((text, i) => {
        const entities = results[i]! as (TokenEntity | GroupedEntity)[];
        io.stdout.write(
          options.format === 'pretty'
            ? `${highlightEntities(text, entities, { color })}\n`
            : `${JSON.stringify({ text, entities })}\n`,
        );
      });
    }
  } finally {
    ner.dispose();
  }
}

function buildProgram(io: CliIo): Command {
  const program = new Command('ner')
    .description(
      'Named-entity recognition with BERT/DistilBERT token-classification models (Hugging Face format).',
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  program
    .command('predict')
    .description('Read one text per line from standard input and print its entities.')
    .requiredOption(
      '-m, --model <dir>',
      'model folder (config.json, model.safetensors, tokenizer.json) or Hub id',
    )
    .option('-t, --tokenizer <dir>', 'tokenizer folder (tokenizer.json), when it is not the model folder')
    .addOption(
      new Option('-a, --aggregation <strategy>', 'how tokens become entities')
        .choices([...AGGREGATION_STRATEGIES])
        .default('simple'),
    )
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['jsonl', 'pretty']).default('jsonl'),
    )
    .option('--stride <tokens>', 'overlap between windows of long texts', integerOption(true))
    .option('--batch-size <n>', 'windows per model call', integerOption(false), 8)
    .option('--ignore-labels <labels>', 'comma-separated labels to drop (default: O)')
    .option('--color', 'force colours in pretty output')
    .option('--no-color', 'never use colours')
    .action(async (options: PredictOptions) => {
      await predict(options, io);
    });
  registerLoginCommand(program, io);
  return program;
}

/**
 * An error as one line: its message, after its class name when that says something (another
 * package's, e.g. @ner/hub's LocalEntryNotFoundError; ours are worded for the CLI already).
 */
function oneLine(error: unknown): string {
  if (!(error instanceof Error)) return String(error).replace(/\s*\n\s*/g, ' ');
  if (error instanceof PipelineError || error instanceof CliInputError)
    return error.message.replace(/\s*\n\s*/g, ' ');
  const name =
    error.name && error.name !== 'Error' && !error.message.startsWith(error.name) ? `${error.name}: ` : '';
  return `${name}${error.message}`.replace(/\s*\n\s*/g, ' ');
}

/**
 * Runs the `ner` command line with `argv` (without `node` and the script) and
 * returns the exit code ({@link CLI_EXIT_CODES}): 0 on success, 1 when the model,
 * tokenizer, Hub or input fails, 2 for usage errors. Failures are one line on
 * stderr, without a stack trace unless `NER_DEBUG=1`.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    if (argv.length === 0) {
      io.stderr.write(program.helpInformation());
      return CLI_EXIT_CODES.usage;
    }
    return CLI_EXIT_CODES.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end "with an error" in commander; they are successes for us.
      return error.exitCode === 0 ? CLI_EXIT_CODES.ok : CLI_EXIT_CODES.usage;
    }
    io.stderr.write(`ner: ${oneLine(error)}\n`);
    if (io.env.NER_DEBUG === '1' && error instanceof Error && error.stack)
      io.stderr.write(`${error.stack}\n`);
    return CLI_EXIT_CODES.failed;
  }
}
