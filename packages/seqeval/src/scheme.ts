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
const ANY = -1;

/** Tag conditions as bits: the previous and current entity types are the same / differ. */
export const TAG_SAME = 1;
export const TAG_DIFF = 2;
const TAG_ANY = TAG_SAME | TAG_DIFF;

type Pattern = readonly [previous: number, current: number, tag: number];

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

function table(patterns: readonly Pattern[]): Uint8Array {
  const cells = new Uint8Array(PREFIX_COUNT * PREFIX_COUNT);
  for (const [previous, current, tag] of patterns) {
    const previousList = previous === ANY ? [0, 1, 2, 3, 4, 5, 6] : [previous];
    const currentList = current === ANY ? [0, 1, 2, 3, 4, 5, 6] : [current];
    for (const p of previousList) for (const c of currentList) cells[p * PREFIX_COUNT + c]! |= tag;
  }
  return cells;
}

function scheme(
  name: SchemeName,
  allowed: readonly number[],
  start: readonly Pattern[],
  inside: readonly Pattern[],
  end: readonly Pattern[],
): Scheme {
  const ordered = [...allowed].sort((a, b) => a - b);
  return {
    name,
    allowedMask: ordered.reduce((mask, p) => mask | (1 << p), 0),
    allowedText: ordered.map((p) => PREFIX_LETTERS[p]).join('|'),
    start: table(start),
    inside: table(inside),
    end: table(end),
  };
}

const SCHEMES: Record<SchemeName, Scheme> = {
  IOB1: scheme(
    'IOB1',
    [P_I, P_O, P_B],
    [
      [P_O, P_I, TAG_ANY],
      [P_I, P_I, TAG_DIFF],
      [P_B, P_I, TAG_ANY],
      [P_I, P_B, TAG_SAME],
      [P_B, P_B, TAG_SAME],
    ],
    [
      [P_B, P_I, TAG_SAME],
      [P_I, P_I, TAG_SAME],
    ],
    [
      [P_I, P_I, TAG_DIFF],
      [P_I, P_O, TAG_ANY],
      [P_I, P_B, TAG_ANY],
      [P_B, P_O, TAG_ANY],
      [P_B, P_I, TAG_DIFF],
      [P_B, P_B, TAG_SAME],
    ],
  ),
  IOE1: scheme(
    'IOE1',
    [P_I, P_O, P_E],
    [
      [P_O, P_I, TAG_ANY],
      [P_I, P_I, TAG_DIFF],
      [P_E, P_I, TAG_ANY],
      [P_E, P_E, TAG_SAME],
    ],
    [
      [P_I, P_I, TAG_SAME],
      [P_I, P_E, TAG_SAME],
    ],
    [
      [P_I, P_I, TAG_DIFF],
      [P_I, P_O, TAG_ANY],
      [P_I, P_E, TAG_DIFF],
      [P_E, P_I, TAG_SAME],
      [P_E, P_E, TAG_SAME],
    ],
  ),
  IOB2: scheme(
    'IOB2',
    [P_I, P_O, P_B],
    [[ANY, P_B, TAG_ANY]],
    [
      [P_B, P_I, TAG_SAME],
      [P_I, P_I, TAG_SAME],
    ],
    [
      [P_I, P_O, TAG_ANY],
      [P_I, P_I, TAG_DIFF],
      [P_I, P_B, TAG_ANY],
      [P_B, P_O, TAG_ANY],
      [P_B, P_I, TAG_DIFF],
      [P_B, P_B, TAG_ANY],
    ],
  ),
  IOE2: scheme(
    'IOE2',
    [P_I, P_O, P_E],
    [
      [P_O, P_I, TAG_ANY],
      [P_O, P_E, TAG_ANY],
      [P_E, P_I, TAG_ANY],
      [P_E, P_E, TAG_ANY],
      [P_I, P_I, TAG_DIFF],
      [P_I, P_E, TAG_DIFF],
    ],
    [
      [P_I, P_E, TAG_SAME],
      [P_I, P_I, TAG_SAME],
    ],
    [[P_E, ANY, TAG_ANY]],
  ),
  IOBES: scheme(
    'IOBES',
    [P_I, P_O, P_B, P_E, P_S],
    [
      [ANY, P_B, TAG_ANY],
      [ANY, P_S, TAG_ANY],
    ],
    [
      [P_B, P_I, TAG_SAME],
      [P_B, P_E, TAG_SAME],
      [P_I, P_I, TAG_SAME],
      [P_I, P_E, TAG_SAME],
    ],
    [
      [P_S, ANY, TAG_ANY],
      [P_E, ANY, TAG_ANY],
    ],
  ),
  BILOU: scheme(
    'BILOU',
    [P_B, P_I, P_L, P_O, P_U],
    [
      [ANY, P_B, TAG_ANY],
      [ANY, P_U, TAG_ANY],
    ],
    [
      [P_B, P_I, TAG_SAME],
      [P_B, P_L, TAG_SAME],
      [P_I, P_I, TAG_SAME],
      [P_I, P_L, TAG_SAME],
    ],
    [
      [P_U, ANY, TAG_ANY],
      [P_L, ANY, TAG_ANY],
    ],
  ),
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
