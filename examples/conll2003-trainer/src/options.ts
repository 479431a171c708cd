// Command-line options of the main job, with the from-scratch defaults chosen by measurement
// (see the README's table).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const shared = resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'data');

const USAGE = `Usage: pnpm --filter @ner-examples/conll2003-trainer start -- [options]
  --model <dir|hub id>      pretrained checkpoint (default: a small BERT from scratch)
  --data <dir|hub id>       CoNLL-2003 folder (default: ../shared/data/conll2003)
  --tokenizer <dir>         tokenizer when --model is not given (default: bert-base-cased vocab)
  --output <dir>            checkpoints and final/ (default: outputs/)
  --train-size <n>          training sentences (default: all 14041)
  --eval-size <n>           validation sentences (default: all 3250)
  --epochs <n>              fine-tuning epochs (default: 2 from scratch, over the training set and
                            its --augment-copies; 3 with --model)
  --learning-rate <x>       (default: 3e-3 from scratch, 2e-5 with --model)
  --batch-size <n>          training batch size (default 32)
  --warmup-ratio <x>        linear warm-up share of the steps (default 0.1)
  --label-strategy <s>      all | first: train on every sub-token's label (B- becomes I- after a word's
                            first piece, as the course does) or only a word's first (default all;
                            evaluation always scores words by their first sub-token)
  --min-piece-count <n>     from scratch: keep word pieces used at least n times in the training
                            text, plus single characters; 0 keeps bert-base-cased's 28,996 (default 1)
  --hidden-size <n>  --layers <n>  --heads <n>  --intermediate-size <n>  --dropout <x>
                            size of the model from scratch (default 128, 1, 4, 256, 0.2)
  --mlm-epochs <n>          from scratch: masked-LM pretraining epochs on the training text first (default 0)
  --augment-copies <n>      from scratch: add n copies of the training set with entity mentions
                            swapped for others of the same type (default 2)
  --augment-rate <x>        share of mentions swapped in those copies (default 1)
  --synthetic-names <x>     share of those swaps that put in a made-up name spliced from two
                            names of the type, for names never seen in training (default 0.5)
  --token-dropout <x>       from scratch: share of training word pieces replaced by [UNK] (default 0)
  --seed <n>                weights, dropout, shuffling and the augmented copies (default 42)
  --bf16                    bf16 mixed precision (TrainingArguments.bf16): matmuls under bf16 autocast,
                            fp32 weights and AdamW; needs the native (or cuda) backend
  --tf32                    TF32 matmuls (TrainingArguments.tf32); cuda on an Ampere or newer GPU
  --gradient-checkpointing  recompute each layer in the backward pass instead of keeping its
                            activations (TrainingArguments.gradientCheckpointing): less memory
  --auto-find-batch-size    halve --batch-size whenever a step runs out of memory and train again
                            from the start (TrainingArguments.autoFindBatchSize)
  --smoke                   a few steps on a few sentences (CI)`;

/** The parsed options, numbers converted, smoke mode applied. */
export interface JobOptions {
  readonly model: string | undefined;
  readonly data: string;
  readonly tokenizer: string;
  readonly output: string;
  readonly trainSize: number | undefined;
  readonly evalSize: number | undefined;
  readonly epochs: number;
  readonly learningRate: number;
  readonly batchSize: number;
  readonly warmupRatio: number;
  readonly labelStrategy: 'all' | 'first';
  readonly minPieceCount: number;
  readonly hiddenSize: number;
  readonly layers: number;
  readonly heads: number;
  readonly intermediateSize: number;
  readonly dropout: number;
  readonly mlmEpochs: number;
  readonly tokenDropout: number;
  readonly augmentCopies: number;
  readonly augmentRate: number;
  readonly syntheticNames: number;
  readonly seed: number;
  readonly bf16: boolean;
  /** `--tf32`: true, or undefined (left as the backend has it), as Python's `tf32` default None. */
  readonly tf32: boolean | undefined;
  readonly gradientCheckpointing: boolean;
  readonly autoFindBatchSize: boolean;
  readonly smoke: boolean;
}

function numberOption(name: string, text: string | undefined, fallback: number, min = 0): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min) {
    console.error(`--${name} must be a number >= ${min}, got ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return value;
}

/** A share in [0, 1] (a rate or probability). */
function rateOption(name: string, text: string | undefined, fallback: number): number {
  const value = numberOption(name, text, fallback);
  if (value > 1) {
    console.error(`--${name} must be a share between 0 and 1, got ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return value;
}

/** Parses `argv` (without node and the script); prints the usage and exits on `--help`. */
export function parseJobOptions(argv: readonly string[]): JobOptions {
  // pnpm 10 forwards `start -- --flag` with the literal `--` first; drop it so flags parse.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  const str = { type: 'string' } as const;
  const { values } = parseArgs({
    args,
    options: {
      model: str,
      data: { type: 'string', default: resolve(shared, 'conll2003') },
      tokenizer: { type: 'string', default: resolve(shared, 'tokenizers', 'bert-base-cased') },
      output: { type: 'string', default: resolve(import.meta.dirname, '..', 'outputs') },
      'train-size': str,
      'eval-size': str,
      epochs: str,
      'learning-rate': str,
      'batch-size': str,
      'warmup-ratio': str,
      'label-strategy': str,
      'min-piece-count': str,
      'hidden-size': str,
      layers: str,
      heads: str,
      'intermediate-size': str,
      dropout: str,
      'mlm-epochs': str,
      'token-dropout': str,
      'augment-copies': str,
      'augment-rate': str,
      'synthetic-names': str,
      seed: str,
      bf16: { type: 'boolean', default: false },
      tf32: { type: 'boolean' },
      'gradient-checkpointing': { type: 'boolean', default: false },
      'auto-find-batch-size': { type: 'boolean', default: false },
      smoke: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const strategy = values['label-strategy'] ?? 'all';
  if (strategy !== 'all' && strategy !== 'first') {
    console.error(`--label-strategy must be all or first, got ${JSON.stringify(strategy)}`);
    process.exit(2);
  }
  const smoke = values.smoke ?? false;
  const pretrained = values.model !== undefined;
  const size = (name: 'train-size' | 'eval-size', smokeSize: number) =>
    smoke ? smokeSize : values[name] === undefined ? undefined : numberOption(name, values[name], 0, 1);
  return {
    model: values.model,
    data: values.data!,
    tokenizer: values.tokenizer!,
    output: values.output!,
    trainSize: size('train-size', 48),
    evalSize: size('eval-size', 16),
    epochs: smoke ? 1 : numberOption('epochs', values.epochs, pretrained ? 3 : 2),
    learningRate: numberOption('learning-rate', values['learning-rate'], pretrained ? 2e-5 : 3e-3),
    batchSize: numberOption('batch-size', values['batch-size'], 32, 1),
    warmupRatio: numberOption('warmup-ratio', values['warmup-ratio'], 0.1),
    labelStrategy: strategy,
    minPieceCount: numberOption('min-piece-count', values['min-piece-count'], 1),
    hiddenSize: numberOption('hidden-size', values['hidden-size'], 128, 1),
    layers: numberOption('layers', values.layers, 1, 1),
    heads: numberOption('heads', values.heads, 4, 1),
    intermediateSize: numberOption('intermediate-size', values['intermediate-size'], 256, 1),
    dropout: numberOption('dropout', values.dropout, 0.2),
    mlmEpochs: smoke ? 0 : numberOption('mlm-epochs', values['mlm-epochs'], 0),
    tokenDropout: pretrained ? 0 : numberOption('token-dropout', values['token-dropout'], 0),
    augmentCopies: pretrained ? 0 : numberOption('augment-copies', values['augment-copies'], 2),
    augmentRate: rateOption('augment-rate', values['augment-rate'], 1),
    syntheticNames: rateOption('synthetic-names', values['synthetic-names'], 0.5),
    seed: numberOption('seed', values.seed, 42),
    bf16: values.bf16 ?? false,
    tf32: values.tf32,
    gradientCheckpointing: values['gradient-checkpointing'] ?? false,
    autoFindBatchSize: values['auto-find-batch-size'] ?? false,
    smoke,
  };
}
