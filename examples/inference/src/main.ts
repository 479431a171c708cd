// Inference with a saved token-classification model, as in the Hugging Face course's
// "Using the fine-tuned model" step: the pipeline with each of the five aggregation
// strategies, a batch call, and the `ner` command line run as a child process. On the
// oracle model every output that Python recorded is compared with Python's.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  AGGREGATION_STRATEGIES,
  type GroupedEntity,
  PipelineError,
  type PipelineTokenizer,
  pipeline,
  type TokenClassificationOutput,
  TokenClassificationPipeline,
  type TokenEntity,
} from '@ner/pipeline';
import { compareEntities } from './compare-entities.js';
import { runNer } from './ner-cli.js';
import { chooseModel, displayPath, oracleDir, outputsDir } from './paths.js';
import { PythonOutputs } from './python-oracle.js';
import { entityTable } from './table.js';

const COURSE_SENTENCE = 'My name is Sylvain and I work at Hugging Face in Brooklyn.';
// Two sentences the Python oracle recorded for its model (ids s00 and s01 in cases.json);
// the first is the example of transformers' pipeline documentation.
const MORE_SENTENCES = [
  'My name is Wolfgang and I live in Berlin',
  'Hugging Face Inc. is a company based in New York City.',
];

// pnpm 10 forwards `start -- --flag` with the literal `--` first; drop it so flags parse.
const argv = process.argv.slice(2);
const { values: opts } = parseArgs({
  args: argv[0] === '--' ? argv.slice(1) : argv,
  options: {
    model: { type: 'string' },
    tokenizer: { type: 'string' },
    text: { type: 'string', multiple: true },
    output: { type: 'string', default: outputsDir },
    smoke: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opts.help) {
  console.log(`Usage: tsx src/main.ts [--model DIR|HUB_ID] [--tokenizer DIR] [--text TEXT]... [--output DIR] [--smoke]
  --model      saved token-classification model (default: examples/conll2003-trainer/outputs/final if it
               exists, else the oracle model in ../shared/oracle/pipeline)
  --tokenizer  tokenizer folder when it is not the model folder
  --text       a sentence to run instead of the built-in ones (repeatable)
  --output     where sentences.txt, predictions.jsonl and entities.json go (default: outputs/)
  --smoke      the oracle model, whatever else exists (CI)`);
  process.exit(0);
}
const started = Date.now();
const sentences = opts.text?.length ? opts.text : [COURSE_SENTENCE, ...MORE_SENTENCES];
const choice = chooseModel({
  smoke: opts.smoke,
  ...(opts.model === undefined ? {} : { model: opts.model }),
  ...(opts.tokenizer === undefined ? {} : { tokenizer: opts.tokenizer }),
});
const shown = displayPath;
console.log(`model:     ${shown(choice.model)} (${choice.reason})`);
console.log(`tokenizer: ${shown(choice.tokenizer ?? choice.model)}`);

const python = choice.isOracle ? new PythonOutputs(oracleDir) : null;
let pythonChecks = 0;
const failures: string[] = [];
function checkAgainstPython(
  text: string,
  strategy: string,
  entities: TokenClassificationOutput,
  source: string,
) {
  const result = python?.compare(text, strategy, entities as (TokenEntity | GroupedEntity)[]);
  if (result === undefined) return;
  pythonChecks++;
  console.log(`  ${source}: ${result.message}`);
  if (!result.ok) failures.push(`${source} ${strategy} "${text}": ${result.message}`);
}

// Like Python's pipeline("token-classification", model=..., tokenizer=...); the strategy is
// given per call below (Python: pipe(text, aggregation_strategy=...) works the same way).
const ner = await pipeline('token-classification', {
  model: choice.model,
  ...(choice.tokenizer === undefined ? {} : { tokenizer: choice.tokenizer }),
});
const labels = Object.values(ner.pipeline.model.config.id2label);
console.log(`labels:    ${labels.join(' ')}`);

const results: Record<string, Record<string, TokenClassificationOutput | { error: string }>> = {};
for (const strategy of AGGREGATION_STRATEGIES) {
  console.log(`\n=== aggregationStrategy: '${strategy}' ===`);
  for (const text of sentences) {
    console.log(`\n${JSON.stringify(text)}`);
    results[text] ??= {};
    try {
      const entities = await ner(text, { aggregationStrategy: strategy });
      results[text][strategy] = entities;
      console.log(entityTable(entities));
      checkAgainstPython(text, strategy, entities, 'pipeline');
    } catch (error) {
      // first/average/max need word boundaries from a fast tokenizer; the pipeline says so as Python does.
      if (!(error instanceof PipelineError)) throw error;
      results[text][strategy] = { error: error.message };
      console.log(`  ${error.name}: ${error.message}`);
    }
  }
}

// A tokenizer without offsets (Python's "slow" tokenizers) cannot tell words apart: the
// word-level strategies are refused with Python's ValueError text, `simple` still works.
console.log('\n=== the same tokenizer treated as a slow one (isFast: false) ===');
const slowTokenizer: PipelineTokenizer = Object.assign(Object.create(ner.pipeline.tokenizer), {
  isFast: false,
});
const slow = new TokenClassificationPipeline(ner.pipeline.model, slowTokenizer);
for (const strategy of AGGREGATION_STRATEGIES) {
  try {
    const entities = (await slow.run(sentences[0]!, { aggregationStrategy: strategy })) as unknown[];
    console.log(`  ${strategy.padEnd(7)} ok (${entities.length} entities)`);
  } catch (error) {
    if (!(error instanceof PipelineError)) throw error;
    console.log(`  ${strategy.padEnd(7)} ${error.name}: ${error.message}`);
  }
}

// A batch: an array in, one entity list per text out, the same as one call per text.
console.log(
  `\n=== batch: ner([${sentences.length} texts], { aggregationStrategy: 'simple', batchSize: 2 }) ===`,
);
const batch = await ner(sentences, { aggregationStrategy: 'simple', batchSize: 2 });
for (const [i, text] of sentences.entries()) {
  const single = results[text]?.simple;
  const same = Array.isArray(single) && compareEntities(single, batch[i]!).ok;
  console.log(
    `  ${JSON.stringify(text)}: ${batch[i]!.length} entities, ${same ? 'same as' : 'DIFFERENT from'} one by one`,
  );
  if (!same) failures.push(`batch result ${i} differs from the single call`);
}
ner.dispose();

// The command line, as a user runs it: one text per line on standard input.
mkdirSync(opts.output, { recursive: true });
const linesFile = resolve(opts.output, 'sentences.txt');
// The CLI reads one text per line, so a text with a line break cannot go through it as one input.
const cliTexts = sentences.filter((text) => !/[\r\n]/.test(text));
if (cliTexts.length < sentences.length)
  console.log('\n(texts with line breaks are left out of the CLI runs)');
writeFileSync(linesFile, `${cliTexts.join('\n')}\n`);
// Paths relative to the working directory (the child's too), so the commands shown read like a user's.
const modelArgs = [
  '--model',
  shown(choice.model),
  ...(choice.tokenizer ? ['--tokenizer', shown(choice.tokenizer)] : []),
];

if (cliTexts.length === 0) {
  console.log('\n(no single-line text to give the CLI)');
} else {
  console.log('\n=== ner CLI, JSON Lines ===');
  const jsonl = await runNer(['predict', ...modelArgs, '--aggregation', 'first', '--format', 'jsonl'], {
    file: shown(linesFile),
  });
  console.log(`$ ${jsonl.display}`);
  process.stdout.write(jsonl.stdout);
  if (jsonl.code !== 0) {
    failures.push(`ner predict (jsonl) exited with ${jsonl.code}: ${jsonl.stderr.trim()}`);
  } else {
    let differing = 0;
    const predictionsFile = resolve(opts.output, 'predictions.jsonl');
    writeFileSync(predictionsFile, jsonl.stdout);
    for (const line of jsonl.stdout.trimEnd().split('\n')) {
      const { text, entities } = JSON.parse(line) as { text: string; entities: TokenClassificationOutput };
      const inProcess = results[text]?.first;
      const same = Array.isArray(inProcess) && compareEntities(inProcess, entities).ok;
      if (!same) {
        differing++;
        failures.push(`ner predict output for "${text}" differs from the in-process pipeline`);
      }
      checkAgainstPython(text, 'first', entities, 'ner CLI');
    }
    console.log(
      `  (same entities as the in-process pipeline: ${differing === 0 ? 'yes' : `NO for ${differing} lines`})`,
    );
  }

  console.log('\n=== ner CLI, pretty ===');
  const pretty = await runNer(['predict', ...modelArgs, '--format', 'pretty', '--no-color'], {
    text: cliTexts[0] ?? '',
  });
  console.log(`$ ${pretty.display}`);
  process.stdout.write(pretty.stdout);
  if (pretty.code !== 0)
    failures.push(`ner predict (pretty) exited with ${pretty.code}: ${pretty.stderr.trim()}`);
}

const entitiesFile = resolve(opts.output, 'entities.json');
writeFileSync(entitiesFile, `${JSON.stringify({ model: choice.model, results }, null, 2)}\n`);
console.log(
  `\noutputs: ${shown(entitiesFile)} (every strategy), ${shown(resolve(opts.output, 'predictions.jsonl'))} (CLI)`,
);
if (python) {
  const recorded = sentences.filter((text) => python.recordedId(text) !== undefined).length;
  console.log(
    `Python check: ${pythonChecks} outputs compared (${recorded} of ${sentences.length} texts were recorded by the oracle${sentences.includes(COURSE_SENTENCE) ? '; the course sentence was not' : ''})`,
  );
} else {
  console.log('Python check: skipped (Python outputs are recorded only for the oracle model)');
}
if (failures.length > 0) {
  console.error(`\n${failures.length} problem(s):\n  ${failures.join('\n  ')}`);
  process.exitCode = 1;
} else {
  console.log(`all checks passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
