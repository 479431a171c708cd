import { compareCodePoints } from '@ner/seqeval/internal';
import { EvaluateTypeError, EvaluateValueError } from './errors.js';

/** A class label: an integer class id or a string (scikit-learn accepts either, never both mixed). */
export type Label = number | string;

/** Labels of a set of samples: an array, or a typed array of class ids (e.g. an argmax output). */
export type LabelArray = ArrayLike<Label>;

/** scikit-learn's `type_of_target` for 1-D label arrays: two classes or fewer are `binary`. */
export type TargetType = 'binary' | 'multiclass';

/** Sort order of labels of one kind (numbers ascending, strings by code point), as numpy sorts them. */
export function compareLabels(a: Label, b: Label): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return compareCodePoints(String(a), String(b));
}

/** Python's repr of a label: `1`, `'pos'`. */
export function reprLabel(label: Label | null | undefined): string {
  if (label === null || label === undefined) return 'null';
  return typeof label === 'string' ? `'${label.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : String(label);
}

/** Python's repr of a list of labels: `[0, 1]`, `['neg', 'pos']`. */
export function reprLabelList(labels: readonly Label[]): string {
  return `[${labels.map(reprLabel).join(', ')}]`;
}

/** Kind of the labels seen so far, to reject a mix of strings and numbers. */
type LabelKind = 'number' | 'string';

function checkLabelArray(
  name: string,
  ys: LabelArray,
  kind: { value: LabelKind | null; from: string },
): void {
  if (ys === null || typeof ys !== 'object' || typeof ys.length !== 'number') {
    throw new EvaluateTypeError(
      `${name} must be an array of labels, got ${ys === null ? 'null' : typeof ys}`,
    );
  }
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i];
    if (typeof y === 'number') {
      if (!Number.isFinite(y)) {
        throw new EvaluateValueError(
          `${name}[${i}] is ${y}: labels must be finite (Input contains NaN or infinity)`,
        );
      }
      if (!Number.isInteger(y)) {
        throw new EvaluateValueError(
          `${name}[${i}] is ${y}: classification metrics can't handle continuous targets; ` +
            'labels are integer class ids or strings',
        );
      }
    } else if (typeof y !== 'string') {
      throw new EvaluateTypeError(
        `${name}[${i}] is ${y === null ? 'null' : typeof y}: expected a number or a string`,
      );
    }
    const k: LabelKind = typeof y === 'number' ? 'number' : 'string';
    if (kind.value === null) {
      kind.value = k;
      kind.from = `${name}[${i}]`;
    } else if (kind.value !== k) {
      throw new EvaluateTypeError(
        `Mix of label input types (string and number): ${name}[${i}] is a ${k} but ${kind.from} is a ${kind.value}`,
      );
    }
  }
}

/** Checks that a length-`n` option array (sample weights) matches the samples; finite numbers only. */
export function checkSampleWeight(sampleWeight: ArrayLike<number> | null | undefined, n: number): void {
  if (sampleWeight === null || sampleWeight === undefined) return;
  if (typeof sampleWeight !== 'object' || typeof sampleWeight.length !== 'number') {
    throw new EvaluateTypeError(`sampleWeight must be an array of numbers, got ${typeof sampleWeight}`);
  }
  if (sampleWeight.length !== n) {
    throw new EvaluateValueError(
      `Found input variables with inconsistent numbers of samples: sampleWeight has ${sampleWeight.length} values for ${n} samples`,
    );
  }
  for (let i = 0; i < n; i++) {
    const w = sampleWeight[i];
    if (typeof w !== 'number' || !Number.isFinite(w)) {
      throw new EvaluateValueError(`sampleWeight[${i}] is ${String(w)}: expected a finite number`);
    }
  }
}

/** The sorted distinct labels of all arrays (scikit-learn's `unique_labels`). */
export function uniqueLabels(...arrays: LabelArray[]): Label[] {
  const seen = new Set<Label>();
  for (const ys of arrays) for (let i = 0; i < ys.length; i++) seen.add(ys[i]!);
  return [...seen].sort(compareLabels);
}

/** What {@link checkTargets} found. */
export interface CheckedTargets {
  type: TargetType;
  /** Sorted distinct labels of `yTrue` and `yPred` together. */
  present: Label[];
}

/**
 * scikit-learn's `_check_targets` for 1-D labels: same lengths, integer or
 * string labels of one kind, and the task type (`binary` for at most two
 * distinct labels in both arrays together, `multiclass` above).
 */
export function checkTargets(yTrue: LabelArray, yPred: LabelArray): CheckedTargets {
  const kind = { value: null as LabelKind | null, from: '' };
  checkLabelArray('yTrue', yTrue, kind);
  checkLabelArray('yPred', yPred, kind);
  if (yTrue.length !== yPred.length) {
    throw new EvaluateValueError(
      `Found input variables with inconsistent numbers of samples: yTrue has ${yTrue.length} labels, yPred has ${yPred.length}`,
    );
  }
  const present = uniqueLabels(yTrue, yPred);
  return { type: present.length > 2 ? 'multiclass' : 'binary', present };
}

/** Checks a user-given list of labels (the `labels` option): numbers or strings of the samples' kind. */
export function checkLabelsOption(labels: readonly Label[], present: readonly Label[]): void {
  if (!Array.isArray(labels)) throw new EvaluateTypeError('labels must be an array of labels');
  const kind = { value: null as LabelKind | null, from: '' };
  checkLabelArray('labels', labels, kind);
  if (labels.length > 0 && present.length > 0 && typeof labels[0] !== typeof present[0]) {
    throw new EvaluateTypeError(
      `Mix of label input types (string and number): labels are ${typeof labels[0]}s but the samples' labels are ${typeof present[0]}s`,
    );
  }
}
