import { assertOptionNames } from '../../../../tools/option-names/index.js';
import { type EvaluateTypeError, EvaluateValueError } from '../errors.js';
import { checkOptionNames, optionNameError } from '../option-names.js';
import type { Label } from '../labels.js';
import type { Batch, Example } from './evaluation-module.js';
import { load, type ModuleName } from './load.js';

/** A module {@link combine} can take: anything with `add`, `addBatch` and `compute`. */
export interface CombinableModule {
  readonly name?: string;
  add(example: Example): void;
  addBatch(batch: Batch): void;
  /** Scores what was added plus `options.predictions` / `options.references` (a last batch), as evaluate's `compute`. */
  compute(options?: object): object;
  /** The options `compute` takes; without it the module gets every option given to the combination. */
  readonly computeOptionNames?: readonly string[];
}

/** What {@link combine} takes: modules, or names for {@link load}. */
export type ModuleInput = ModuleName | CombinableModule;

/**
 * evaluate's `combine([...])`: several modules fed the same examples, whose
 * results `compute` merges into one object. Each module gets the options it takes
 * (`average` goes to f1, not to accuracy); an option no module takes is an
 * {@link EvaluateTypeError}, raised before any module computes. Keys are merged
 * as evaluate merges them: a key that two modules return is prefixed with each
 * module's name (`precision_…`), and with a count when two modules have the same
 * name (`f1_0_f1`, `f1_1_f1`); `forcePrefix` prefixes every key.
 */
export class CombinedEvaluations {
  private readonly modules: CombinableModule[];
  /** The name each module's keys are prefixed with when they collide. */
  private readonly names: string[];
  private readonly forcePrefix: boolean;

  /**
   * @param modules a list of modules or names, or, as in evaluate, an object whose keys name its
   *   modules (`{ mine: myModule, f1: 'f1' }`): those names prefix colliding keys.
   */
  constructor(
    modules: readonly ModuleInput[] | Readonly<Record<string, ModuleInput>>,
    options: { forcePrefix?: boolean } = {},
  ) {
    checkOptionNames(options, 'combine');
    const entries: [string | undefined, ModuleInput][] = Array.isArray(modules)
      ? modules.map((module) => [undefined, module])
      : Object.entries(modules as Readonly<Record<string, ModuleInput>>);
    if (entries.length === 0) throw new EvaluateValueError('combine: no evaluation modules given');
    this.modules = entries.map(([, m]) =>
      typeof m === 'string' ? (load(m) as unknown as CombinableModule) : m,
    );
    this.names = entries.map(([key], index) => key ?? this.modules[index]!.name ?? `module_${index}`);
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
    this.checkOptions(options);
    const { predictions, references, ...rest } = options;
    // Each module takes the last batch in its own compute, so one that throws keeps what it had
    // and the modules after it are untouched.
    const batch = predictions !== undefined || references !== undefined ? { predictions, references } : {};
    const results = this.modules.map(
      (module) => module.compute({ ...this.optionsOf(module, rest), ...batch }) as Record<string, unknown>,
    );
    const merged = mergeResults(this.names, results, this.forcePrefix);
    return merged;
  }

  /** Throws for options that are not an object or that no module takes. */
  private checkOptions(options: unknown): void {
    if (this.modules.some((m) => m.computeOptionNames === undefined)) {
      // A module of the caller's own that does not list its options takes whatever it is given.
      assertOptionNames(options, { known: Object.keys(options ?? {}) }, (name, problem) =>
        optionNameError('compute', name, problem),
      );
      return;
    }
    const known = new Set(['predictions', 'references']);
    for (const module of this.modules) for (const name of module.computeOptionNames!) known.add(name);
    assertOptionNames(options, { known: [...known] }, (name, problem) =>
      optionNameError('compute', name, problem),
    );
  }

  /** The options `module` takes, out of those given to the combination. */
  private optionsOf(module: CombinableModule, options: Record<string, unknown>): Record<string, unknown> {
    const names = module.computeOptionNames;
    if (names === undefined) return options;
    return Object.fromEntries(Object.entries(options).filter(([name]) => names.includes(name)));
  }
}

/** Counts of each item. */
function counts(items: readonly string[]): Map<string, number> {
  const counted = new Map<string, number>();
  for (const item of items) counted.set(item, (counted.get(item) ?? 0) + 1);
  return counted;
}

/** evaluate's `_merge_results`: one object, prefixed where keys or module names collide. */
function mergeResults(
  names: readonly string[],
  results: readonly Record<string, unknown>[],
  forcePrefix: boolean,
): Record<string, unknown> {
  const keyCounts = counts(results.flatMap((result) => Object.keys(result)));
  const nameCounts = counts(names);
  const seen = new Map<string, number>();
  const merged: Record<string, unknown> = {};
  results.forEach((result, index) => {
    const name = names[index]!;
    const repeated = nameCounts.get(name)! > 1;
    const ordinal = seen.get(name) ?? 0;
    for (const [key, value] of Object.entries(result)) {
      if (keyCounts.get(key) === 1 && !forcePrefix) merged[key] = value;
      else if (repeated) merged[`${name}_${ordinal}_${key}`] = value;
      else merged[`${name}_${key}`] = value;
    }
    if (repeated) seen.set(name, ordinal + 1);
  });
  return merged;
}

/**
 * evaluate's `combine(["accuracy", "f1"])`, or `combine({"name": module, ...})`.
 *
 * @example
 * const metrics = combine(['accuracy', 'f1']);
 * metrics.compute({ predictions: [0, 1, 0], references: [0, 1, 1] }); // { accuracy: 0.6666666666666666, f1: 0.6666666666666666 }
 */
export function combine(
  modules: readonly ModuleInput[] | Readonly<Record<string, ModuleInput>>,
  options: { forcePrefix?: boolean } = {},
): CombinedEvaluations {
  return new CombinedEvaluations(modules, options);
}
