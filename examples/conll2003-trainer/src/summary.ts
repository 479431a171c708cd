// The few lines a user reads at the end: the score, where the model is, and how to try it.
import { isAbsolute, relative } from 'node:path';
import type { TokenClassificationOutput } from '@ner/pipeline';

/** What the job reports at the end. */
export interface JobSummary {
  readonly metrics: Record<string, number>;
  readonly trainRuntime: number | undefined;
  /** Seconds of masked-LM pretraining, when it ran. */
  readonly pretrainRuntime?: number | undefined;
  /** CPU seconds the process spent in fine-tuning (all threads): a measure that a busy machine inflates less. */
  readonly trainCpuSeconds: number;
  readonly aggregationStrategy: string;
  readonly finalDir: string;
  readonly sentence: string;
  readonly entities: TokenClassificationOutput;
  readonly seconds: number;
}

/** The repository root, where `pnpm ner` runs (this file is examples/conll2003-trainer/src/). */
const repoRoot = new URL('../../../', import.meta.url).pathname;

/** Prints the pipeline's entities, the validation F1, the saved folder and the command to try it. */
export function printSummary(summary: JobSummary): void {
  const { metrics } = summary;
  console.log(`\n${summary.sentence}`);
  if (summary.entities.length === 0) console.log('  (no entities found)');
  for (const entity of summary.entities) {
    const group = 'entity_group' in entity ? entity.entity_group : entity.entity;
    console.log(`  ${group.padEnd(5)} ${JSON.stringify(entity.word)} (score ${entity.score.toFixed(3)})`);
  }
  const score = (key: string) => (metrics[key] === undefined ? 'n/a' : metrics[key].toFixed(3));
  console.log(
    `\nvalidation: F1 ${score('eval_f1')} (precision ${score('eval_precision')}, recall ${score('eval_recall')}), ` +
      `training took ${summary.trainRuntime?.toFixed(1) ?? '?'} s (${summary.trainCpuSeconds.toFixed(0)} CPU s)` +
      (summary.pretrainRuntime === undefined
        ? ''
        : ` after ${summary.pretrainRuntime.toFixed(1)} s of masked-LM pretraining`) +
      `, the whole job ${summary.seconds.toFixed(1)} s`,
  );
  const fromRoot = relative(repoRoot, summary.finalDir);
  const modelDir = fromRoot.startsWith('..') || isAbsolute(fromRoot) ? summary.finalDir : fromRoot;
  console.log(`model saved to ${summary.finalDir}`);
  console.log(
    `try it (from the repository root):\n  echo "${summary.sentence}" | npx -y pnpm@10.34.8 -s ner predict --model ${modelDir} --aggregation ${summary.aggregationStrategy}`,
  );
}
