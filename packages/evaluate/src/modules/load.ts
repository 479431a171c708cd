import { Seqeval } from '@ner/seqeval';
import { EvaluateValueError } from '../errors.js';
import { Accuracy, ConfusionMatrix, F1, Precision, Recall } from './classification-modules.js';

/** The modules {@link load} knows, by evaluate's names. */
export const MODULE_NAMES = ['accuracy', 'precision', 'recall', 'f1', 'confusion_matrix', 'seqeval'] as const;

/** A name {@link load} accepts. */
export type ModuleName = (typeof MODULE_NAMES)[number];

/** What {@link load} returns for each name. */
export interface ModuleTypes {
  accuracy: Accuracy;
  precision: Precision;
  recall: Recall;
  f1: F1;
  confusion_matrix: ConfusionMatrix;
  seqeval: Seqeval;
}

const FACTORIES: { [K in ModuleName]: () => ModuleTypes[K] } = {
  accuracy: () => new Accuracy(),
  precision: () => new Precision(),
  recall: () => new Recall(),
  f1: () => new F1(),
  confusion_matrix: () => new ConfusionMatrix(),
  // Entity-level scores live in @ner/seqeval; its Seqeval already is evaluate's module.
  seqeval: () => new Seqeval(),
};

/**
 * evaluate's `load(path)` for the metrics this package has: a fresh module
 * with `add` / `addBatch` / `compute`. Nothing is downloaded; the code is here.
 *
 * @example
 * const accuracy = load('accuracy');
 * accuracy.addBatch({ predictions: [0, 1, 1], references: [0, 1, 0] });
 * accuracy.compute(); // { accuracy: 0.6666666666666666 }
 * load('f1').compute({ predictions: [0, 2, 1], references: [0, 1, 1], average: 'macro' }); // { f1: 0.5555555555555555 }
 */
export function load<K extends ModuleName>(name: K): ModuleTypes[K] {
  const factory = (FACTORIES as Record<string, (() => unknown) | undefined>)[name];
  if (typeof name !== 'string' || !Object.hasOwn(FACTORIES, name) || factory === undefined) {
    throw new EvaluateValueError(
      `load: unknown evaluation module ${JSON.stringify(name)}; this package has ${MODULE_NAMES.join(', ')}`,
    );
  }
  return factory() as ModuleTypes[K];
}
