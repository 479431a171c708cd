/**
 * Tag schemes of chunk/entity columns. CoNLL files come as IOB1 (an entity starts with `I-` unless it
 * directly follows one of the same type, as in the original Reuters files) or IOB2 (every entity starts
 * with `B-`, as Hugging Face's `conll2003` and seqeval's default expect). Detection looks at where entities
 * start; conversion rewrites IOB1 starts to `B-`.
 */

/** Schemes we can tell apart. */
export type TagScheme = 'IOB1' | 'IOB2' | 'IOBES' | 'BILOU' | 'none';

/** Entity prefixes of every scheme we know: B(egin), I(nside), E(nd), S(ingle), L(ast), U(nit). */
const KNOWN_PREFIXES = new Set(['B', 'I', 'E', 'S', 'L', 'U']);

/** Prefixes each scheme allows besides `O` (IOB1/IOB2 only `B-`/`I-`). */
const SCHEME_PREFIXES: Record<TagScheme, readonly string[]> = {
  IOB1: ['B', 'I'],
  IOB2: ['B', 'I'],
  IOBES: ['B', 'I', 'E', 'S'],
  BILOU: ['B', 'I', 'L', 'U'],
  none: ['B', 'I'],
};

/** `B-PER` → `['B', 'PER']`; `O` → `['O', '']`; anything else (`X-ORG`, `B-`, `PER`) → undefined. */
export function splitTag(tag: string): [prefix: string, type: string] | undefined {
  if (tag === 'O') return ['O', ''];
  const dash = tag.indexOf('-');
  if (dash !== 1 || tag.length < 3) return undefined;
  const prefix = tag.charAt(0);
  if (!KNOWN_PREFIXES.has(prefix)) return undefined;
  return [prefix, tag.slice(2)];
}

/** The entity prefixes `scheme` allows (besides the tag `O`). */
export function prefixesOf(scheme: TagScheme): readonly string[] {
  return SCHEME_PREFIXES[scheme];
}

/**
 * The scheme of tag sequences: `IOBES`/`BILOU` when their prefixes appear, `IOB1` when some entity starts
 * with `I-`, `IOB2` when `B-`/`I-` tags all start properly, `none` when there are no prefixed tags (or a
 * tag is not `O`/`X-TYPE`).
 */
export function detectTagScheme(sequences: Iterable<readonly string[]>): TagScheme {
  let sawPrefixed = false;
  let iStartsEntity = false;
  const prefixes = new Set<string>();
  for (const tags of sequences) {
    let previous: [string, string] = ['O', ''];
    for (const tag of tags) {
      const parts = splitTag(tag);
      if (parts === undefined) return 'none';
      const [prefix, type] = parts;
      if (prefix !== 'O') {
        sawPrefixed = true;
        prefixes.add(prefix);
      }
      if (prefix === 'I' && (previous[0] === 'O' || previous[1] !== type)) iStartsEntity = true;
      previous = parts;
    }
  }
  if (prefixes.has('E') || prefixes.has('S')) return 'IOBES';
  if (prefixes.has('L') || prefixes.has('U')) return 'BILOU';
  if (!sawPrefixed) return 'none';
  return iStartsEntity ? 'IOB1' : 'IOB2';
}

/** IOB1 → IOB2: an `I-X` that does not continue an `X` entity becomes `B-X`. Returns a new array. */
export function iob1ToIob2(tags: readonly string[]): string[] {
  const out = new Array<string>(tags.length);
  let previousType = '';
  let previousPrefix = 'O';
  for (let i = 0; i < tags.length; i += 1) {
    const tag = tags[i] as string;
    const parts = splitTag(tag);
    if (parts === undefined) {
      out[i] = tag;
      previousPrefix = 'O';
      continue;
    }
    const [prefix, type] = parts;
    out[i] = prefix === 'I' && (previousPrefix === 'O' || previousType !== type) ? `B-${type}` : tag;
    previousPrefix = prefix;
    previousType = type;
  }
  return out;
}
