import { SeqevalValueError } from './errors.js';

/**
 * The tagging schemes of `seqeval.scheme` as transition tables. A pattern
 * `(previous prefix, current prefix, tag condition)` of seqeval becomes one
 * bit mask per (previous, current) pair; `(Prefix.ANY, …)` fans out to all seven.
 */

/** Names of the schemes seqeval's strict mode knows (the classes in `seqeval.scheme`). */
export type SchemeName = 'IOB1' | 'IOE1' | 'IOB2' | 'IOE2' | 'IOBES' | 'BILOU';

/** Every scheme name, in the order evaluate's error message lists them. */
export const SCHEME_NAMES: readonly SchemeName[] = ['IOB1', 'IOE1', 'IOB2', 'IOE2', 'IOBES', 'BILOU'];

/** Prefix letters in the order of seqeval's `Prefix` flag (I=1, O=2, B=4, E=8, S=16, U=32, L=64). */
export const PREFIX_LETTERS = 'IOBESUL';
export const PREFIX_COUNT = 7;
export const P_I = 0;
export const P_O = 1;
export const P_B = 2;
export const P_E = 3;
export const P_S = 4;
export const P_U = 5;
export const P_L = 6;

/** Tag conditions as bits: the previous and current entity types are the same / differ. */
export const TAG_SAME = 1;
export const TAG_DIFF = 2;
const TAG_ANY = TAG_SAME | TAG_DIFF;

/** A scheme ready for extraction: allowed prefixes and the three pattern tables. */
export interface Scheme {
  readonly name: SchemeName;
  /** Bit `1 << prefix` set for every allowed prefix. */
  readonly allowedMask: number;
  /** Python's `str(allowed_prefix)` without `Prefix.`, e.g. `I|O|B`, for error messages. */
  readonly allowedText: string;
  /** `[previous * 7 + current]` → tag-condition bits; 0 when no pattern matches. */
  readonly start: Uint8Array;
  readonly inside: Uint8Array;
  readonly end: Uint8Array;
}

/**
 * One pattern of seqeval's `start_patterns`, `inside_patterns` or `end_patterns`, written
 * `'<previous> <current> <tag>'`: prefix letters (`*` is `Prefix.ANY`), then `same`, `diff` or `any`
 * (`Tag.SAME`, `Tag.DIFF`, `Tag.ANY`). `'B I same'` is seqeval's `(Prefix.B, Prefix.I, Tag.SAME)`.
 */
type Pattern = string;

const TAG_CONDITIONS: Record<string, number> = { same: TAG_SAME, diff: TAG_DIFF, any: TAG_ANY };

/** The prefix indexes a pattern's letter stands for: one, or all seven for `*`. */
function prefixesOf(letter: string | undefined, pattern: Pattern): number[] {
  if (letter === '*') return [P_I, P_O, P_B, P_E, P_S, P_U, P_L];
  const index = letter === undefined || letter.length !== 1 ? -1 : PREFIX_LETTERS.indexOf(letter);
  if (index < 0) throw new Error(`scheme pattern "${pattern}": "${letter}" is not a prefix letter or *`);
  return [index];
}

function table(patterns: readonly Pattern[]): Uint8Array {
  const cells = new Uint8Array(PREFIX_COUNT * PREFIX_COUNT);
  for (const pattern of patterns) {
    const [previous, current, condition, ...rest] = pattern.split(' ');
    const tag = TAG_CONDITIONS[condition ?? ''];
    if (tag === undefined || rest.length > 0) throw new Error(`scheme pattern "${pattern}" is malformed`);
    for (const p of prefixesOf(previous, pattern))
      for (const c of prefixesOf(current, pattern)) cells[p * PREFIX_COUNT + c]! |= tag;
  }
  return cells;
}

/** `allowed`: the prefix letters the scheme accepts, e.g. `'IOB'`. */
function scheme(
  name: SchemeName,
  allowed: string,
  patterns: { start: readonly Pattern[]; inside: readonly Pattern[]; end: readonly Pattern[] },
): Scheme {
  const ordered = [...allowed].flatMap((letter) => prefixesOf(letter, allowed)).sort((a, b) => a - b);
  return {
    name,
    allowedMask: ordered.reduce((mask, p) => mask | (1 << p), 0),
    allowedText: ordered.map((p) => PREFIX_LETTERS[p]).join('|'),
    start: table(patterns.start),
    inside: table(patterns.inside),
    end: table(patterns.end),
  };
}

// seqeval.scheme's classes, pattern for pattern and in seqeval's order.
const SCHEMES: Record<SchemeName, Scheme> = {
  IOB1: scheme('IOB1', 'IOB', {
    start: ['O I any', 'I I diff', 'B I any', 'I B same', 'B B same'],
    inside: ['B I same', 'I I same'],
    end: ['I I diff', 'I O any', 'I B any', 'B O any', 'B I diff', 'B B same'],
  }),
  IOE1: scheme('IOE1', 'IOE', {
    start: ['O I any', 'I I diff', 'E I any', 'E E same'],
    inside: ['I I same', 'I E same'],
    end: ['I I diff', 'I O any', 'I E diff', 'E I same', 'E E same'],
  }),
  IOB2: scheme('IOB2', 'IOB', {
    start: ['* B any'],
    inside: ['B I same', 'I I same'],
    end: ['I O any', 'I I diff', 'I B any', 'B O any', 'B I diff', 'B B any'],
  }),
  IOE2: scheme('IOE2', 'IOE', {
    start: ['O I any', 'O E any', 'E I any', 'E E any', 'I I diff', 'I E diff'],
    inside: ['I E same', 'I I same'],
    end: ['E * any'],
  }),
  IOBES: scheme('IOBES', 'IOBES', {
    start: ['* B any', '* S any'],
    inside: ['B I same', 'B E same', 'I I same', 'I E same'],
    end: ['S * any', 'E * any'],
  }),
  BILOU: scheme('BILOU', 'BILOU', {
    start: ['* B any', '* U any'],
    inside: ['B I same', 'B L same', 'I I same', 'I L same'],
    end: ['U * any', 'L * any'],
  }),
};

/** The scheme of that name; throws for a name seqeval does not define. */
export function schemeByName(name: string): Scheme {
  const found = (SCHEMES as Record<string, Scheme | undefined>)[name];
  if (found === undefined || !Object.hasOwn(SCHEMES, name)) {
    throw new SeqevalValueError(
      `Scheme should be one of [IOB1, IOB2, IOE1, IOE2, IOBES, BILOU], got ${name}`,
    );
  }
  return found;
}

/** Whether `name` is one of the six scheme names. */
export function isSchemeName(name: unknown): name is SchemeName {
  return typeof name === 'string' && Object.hasOwn(SCHEMES, name);
}
