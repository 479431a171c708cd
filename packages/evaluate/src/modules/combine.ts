import { EvaluateValueError } from '../errors.js';
import type { Label } from '../labels.js';
import type { Batch, Example } from './evaluation-module.js';
import { load, type ModuleName } from './load.js';

/** A module {@link combine} can take: anything with `add`, `addBatch` and `compute`. */
export interface CombinableModule {
  readonly name?: string;
  add(example: Example): void;
  addBatch(batch: Batch): void;
  compute(options?: object): object;
}

/** What {@link combine} takes: modules, or names for {@link load}. */
export type ModuleInput = ModuleName | CombinableModule;

/**
 * evaluate's `combine([...])`: several modules fed the same examples, whose
 * results `compute` merges into one object. Every module gets the same options
 * and takes those it knows (`average` means nothing to accuracy). Two modules
 * returning the same key is an error unless `forcePrefix` prefixes every key
 * with its module name, as evaluate's `force_prefix` does.
 */
export class CombinedEvaluations {
  private readonly modules: CombinableModule[];
  private readonly forcePrefix: boolean;

  constructor(modules: readonly ModuleInput[], options: { forcePrefix?: boolean } = {}) {
    if (modules.length === 0) throw new EvaluateValueError('combine: no evaluation modules given');
    this.modules = modules.map((m) => (typeof m === 'string' ? (load(m) as unknown as CombinableModule) : m));
    this.forcePrefix = options.forcePrefix ?? false;
  }

  /** Adds one example to every module. */
  add(example: Example): void {
    for (const module of this.modules) module.add(example);
  }

  /** Adds a batch to every module. */
  addBatch(batch: Batch): void {
    for (const module of this.modules) module.addBatch(batch);
  }

  /** Computes every module (with an optional last batch) and merges their results. */
  compute(options: Record<string, unknown> & Partial<Batch<Label, Label>> = {}): Record<string, unknown> {
    const { predictions, references, ...rest } = options;
    if (predictions !== undefined || references !== undefined) {
      this.addBatch({ predictions: predictions ?? [], references: references ?? [] });
    }
    const merged: Record<string, unknown> = {};
    this.modules.forEach((module, index) => {
      const result = module.compute(rest) as Record<string, unknown>;
      for (const [key, value] of Object.entries(result)) {
        const name = this.forcePrefix ? `${module.name ?? `module_${index}`}_${key}` : key;
        if (Object.hasOwn(merged, name)) {
          throw new EvaluateValueError(
            `combine: two modules return "${name}"; pass { forcePrefix: true } to prefix keys with module names`,
          );
        }
        merged[name] = value;
      }
    });
    return merged;
  }
}

/**
 * evaluate's `combine(["accuracy", "f1"])`.
 *
 * @example
 * const metrics = combine(['accuracy', 'f1']);
 * metrics.compute({ predictions: [0, 1, 0], references: [0, 1, 1] }); // { accuracy: 0.6666666666666666, f1: 0.6666666666666666 }
 */
export function combine(
  modules: readonly ModuleInput[],
  options: { forcePrefix?: boolean } = {},
): CombinedEvaluations {
  return new CombinedEvaluations(modules, options);
}
