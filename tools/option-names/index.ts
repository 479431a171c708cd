/**
 * Checks the names in an options object against the options a class takes, as Python refuses
 * an unexpected keyword argument (`TypeError: __init__() got an unexpected keyword argument`).
 * Without it a JavaScript caller, or one who builds the object from a JSON file, who writes
 * Python's `learning_rate` or a misspelt `learningRat` trains with the default and is never told.
 * The problem names the option and, where it can, what was meant: the camelCase name of a Python
 * spelling, a known name close to a typo, or why a Python option has no counterpart here.
 */

/** What {@link unknownOptionProblem} checks an options object against. */
export interface OptionNames {
  /** The options the class takes (camelCase). */
  readonly known: readonly string[];
  /**
   * Python options with no counterpart here, by their camelCase name: why, and the values that
   * ask for nothing (`fp16: false` is what runs anyway, so it is taken).
   */
  readonly unsupported?: Readonly<Record<string, UnsupportedOption>>;
  /** Added to "unknown option" when no known name is close (where else such a name may go). */
  readonly hint?: string;
}

/** A Python option that has no counterpart here. */
export interface UnsupportedOption {
  /** Why, and what to do instead. */
  readonly reason: string;
  /**
   * Values that ask for what happens anyway, so they are taken [`false`]; `'any'` for an option
   * that changes nothing whatever its value (a progress-bar title).
   */
  readonly harmless?: readonly unknown[] | 'any';
}

/** The first option name in `options` that `names` does not take, and what is wrong with it. */
export interface OptionNameProblem {
  /** The name as written. */
  readonly name: string;
  /** What is wrong, without the name (the caller's error puts it first). */
  readonly problem: string;
}

/** `learning_rate` -> `learningRate`. */
export function snakeToCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Levenshtein distance, stopping early past `limit` (names are short). */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      best = Math.min(best, value);
    }
    if (best > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length]!;
}

/** The known name closest to `name` (case-insensitive), if it is at most 2 edits away. */
function closestName(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase(), bestDistance - 1);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * The first own option of `options` that `names` does not take, or undefined when all are
 * taken. Options set to `undefined` count as not given (`{ ...defaults, seed: undefined }`).
 */
export function unknownOptionProblem(options: object, names: OptionNames): OptionNameProblem | undefined {
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined || names.known.includes(name)) continue;
    const camel = snakeToCamel(name);
    // Own entries only: `toString` is not an unsupported option because objects inherit one.
    const unsupported =
      names.unsupported && Object.hasOwn(names.unsupported, camel) ? names.unsupported[camel] : undefined;
    if (unsupported) {
      const harmless = unsupported.harmless ?? [false];
      if (harmless === 'any' || harmless.includes(value)) continue;
      return { name, problem: `not supported here: ${unsupported.reason}` };
    }
    if (camel !== name && names.known.includes(camel)) {
      return { name, problem: `unknown option; that is Python's spelling, here it is ${camel}` };
    }
    const closest = closestName(camel, names.known);
    return {
      name,
      problem: closest
        ? `unknown option; did you mean ${closest}?`
        : `unknown option${names.hint ? `; ${names.hint}` : ''}`,
    };
  }
  return undefined;
}

/**
 * Throws what `fail` makes when `options` is not an object (`name` undefined) or has a name that
 * `names` does not take; `undefined` options are none given. Each package words its own error.
 */
export function assertOptionNames(
  options: unknown,
  names: OptionNames,
  fail: (name: string | undefined, problem: string) => Error,
): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object') {
    throw fail(undefined, `options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  const unknown = unknownOptionProblem(options, names);
  if (unknown) throw fail(unknown.name, unknown.problem);
}

/** The options of `T` that the name list `L` leaves out. */
export type UnlistedOptions<T, L extends readonly PropertyKey[]> = Exclude<keyof T, L[number]>;

/**
 * `true` when `Unlisted` is `never`, else `Unlisted` itself: declare a constant of this type
 * initialised to `true`, and a name list that misses an option of its interface is a compile
 * error that names the option.
 */
export type ListIsWhole<Unlisted> = [Unlisted] extends [never] ? true : Unlisted;

/**
 * Python's wording of the refusal, for packages whose functions have Python's names:
 * `f1_score() got an unexpected keyword argument 'averge' (unknown option; did you mean average?)`,
 * or `f1_score(): options must be an object, got null` when there is no name.
 */
export function unexpectedKeywordMessage(fn: string, name: string | undefined, problem: string): string {
  return name === undefined
    ? `${fn}(): ${problem}`
    : `${fn}() got an unexpected keyword argument '${name}' (${problem})`;
}
