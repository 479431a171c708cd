import { SeqevalValueError } from './errors.js';
import { PREFIX_LETTERS, type SchemeName } from './scheme.js';
import { splitPrefix } from './strict-tag.js';
import { checkOptionNames } from './option-names.js';

/** Prefix sets (as letters) that `seqeval.scheme.auto_detect` accepts for each scheme, in its order. */
const ACCEPTED: readonly (readonly [SchemeName, readonly string[]])[] = [
  ['IOB2', ['IOB', 'IB', 'BO', 'B']],
  ['IOE2', ['IOE', 'IE', 'EO', 'E']],
  ['IOBES', ['IOBES', 'IBES', 'IOBE', 'OBES', 'IBE', 'BES', 'OBE', 'BE', 'S']],
  ['BILOU', ['IOBLU', 'IBLU', 'IOBL', 'OBLU', 'IBL', 'BLU', 'OBL', 'BL', 'U']],
];

function maskOf(letters: string): number {
  let mask = 0;
  for (const letter of letters) mask |= 1 << PREFIX_LETTERS.indexOf(letter);
  return mask;
}

const ACCEPTED_MASKS: readonly (readonly [SchemeName, readonly number[]])[] = ACCEPTED.map(
  ([name, sets]) => [name, sets.map(maskOf)] as const,
);

/** Python's repr of a set of `Prefix` members, e.g. `{<Prefix.I: 1>, <Prefix.O: 2>}` (ordered by value). */
function reprPrefixSet(mask: number): string {
  if (mask === 0) return 'set()';
  const members: string[] = [];
  for (let p = 0; p < PREFIX_LETTERS.length; p++) {
    if (mask & (1 << p)) members.push(`<Prefix.${PREFIX_LETTERS[p]}: ${1 << p}>`);
  }
  return `{${members.join(', ')}}`;
}

/** Options of {@link autoDetect}. */
export interface AutoDetectOptions {
  /** Prefix at the end of each tag (`PER-B`). */
  suffix?: boolean;
}

/**
 * Names the scheme of a corpus from the set of prefixes its tags use, like
 * `seqeval.scheme.auto_detect` (only IOB2, IOE2, IOBES and BILOU can be detected).
 * Throws {@link SeqevalValueError} for an unknown prefix letter or a prefix set
 * that fits none of them (e.g. only `O`, or `I` and `O` as in IOB1).
 */
export function autoDetect(
  sequences: readonly (readonly string[])[],
  options: AutoDetectOptions = {},
): SchemeName {
  checkOptionNames(options, 'auto_detect');
  const suffix = options.suffix ?? false;
  let mask = 0;
  const seen = new Set<string>();
  for (const tokens of sequences) {
    for (const token of tokens) {
      if (seen.has(token)) continue;
      seen.add(token);
      const { letter } = splitPrefix(token, suffix);
      const prefix = letter.length === 1 ? PREFIX_LETTERS.indexOf(letter) : -1;
      if (prefix === -1) {
        throw new SeqevalValueError(
          `This scheme is not supported: ${token} (prefix "${letter}" is none of I, O, B, E, S, U, L)`,
        );
      }
      mask |= 1 << prefix;
    }
  }
  for (const [name, masks] of ACCEPTED_MASKS) if (masks.includes(mask)) return name;
  throw new SeqevalValueError(
    `This scheme is not supported: ${reprPrefixSet(mask)} (auto-detect knows IOB2, IOE2, IOBES and BILOU; ` +
      `pass a scheme for IOB1 or IOE1)`,
  );
}
