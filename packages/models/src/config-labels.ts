/** How a config's `id2label` and `label2id` relate: Python's defaults, and where they disagree. */
import { describeValue } from './describe-value.js';

/**
 * Config checks run at several points of one load (file, encoder, Auto class), each naming its
 * source; like transformers' `logger.warning_once`, a problem is printed once per process, by the
 * first check (the one that read the file).
 */
const warnedProblems = new Set<string>();

/** Prints `message` unless `problem` was already reported in this process. */
export function warnOnce(problem: string, message: string): void {
  if (warnedProblems.has(problem)) return;
  warnedProblems.add(problem);
  console.warn(message);
}

/** Why `label2id` is not the inverse of `id2label`, or null when it is. */
export function label2idMismatch(
  id2label: Readonly<Record<number, string>>,
  label2id: Readonly<Record<string, number>>,
): string | null {
  for (const [label, id] of Object.entries(label2id)) {
    if (typeof id !== 'number' || id2label[id] !== label) {
      const found =
        typeof id === 'number' && id in id2label
          ? `names id ${id} ${describeValue(id2label[id])}`
          : `has no id ${describeValue(id)}`;
      return `"label2id" maps ${describeValue(label)} to ${describeValue(id)}, but "id2label" ${found}`;
    }
  }
  for (const [id, label] of Object.entries(id2label)) {
    if (!Object.hasOwn(label2id, label)) {
      return `"label2id" has no entry for ${describeValue(label)} (id2label[${id}])`;
    }
  }
  return null;
}

/** Whether the labels are `PretrainedConfig`'s defaults (`LABEL_0`, `LABEL_1`), which config.json leaves out. */
export function isDefaultLabels(
  id2label: Readonly<Record<number, string>>,
  label2id: Readonly<Record<string, number>>,
): boolean {
  return (
    Object.keys(id2label).length === 2 &&
    id2label[0] === 'LABEL_0' &&
    id2label[1] === 'LABEL_1' &&
    Object.keys(label2id).length === 2 &&
    label2id.LABEL_0 === 0 &&
    label2id.LABEL_1 === 1
  );
}
