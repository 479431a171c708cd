// Mention replacement, a data augmentation for NER (Dai & Adel, 2020, "An Analysis of Simple Data
// Augmentation for Named Entity Recognition"): copies of the training sentences in which entity
// mentions are swapped for other mentions of the same type drawn from the training set.
//
// Why here: a BERT trained from scratch memorises the names it has seen, and most validation
// names are new to it. In "Mr X said", "in Y" the context decides the type; when the name in a
// familiar context changes from copy to copy, the model has to read that context. Labels stay
// right by construction: the new mention gets B-/I- tags of its type.

/** Sentences as word lists and IOB2 tag ids, the shape of CoNLL-2003's `tokens` / `ner_tags`. */
export interface TaggedSentences {
  readonly tokens: readonly (readonly string[])[];
  readonly tags: readonly (readonly number[])[];
}

/** Options of {@link mentionReplacedCopies}. */
export interface MentionReplacementOptions {
  /** How many augmented copies of the whole set to make. */
  readonly copies: number;
  /** Chance that each mention is replaced (the others stay as they are). */
  readonly rate: number;
  /** Seed of the draws: the same seed gives the same copies. */
  readonly seed: number;
  /**
   * Chance that a replacement is a made-up name instead of a training mention (default 0): each
   * word is spliced from the start of one word and the end of another of the same type
   * ("Germany" + "Brazil" -> "Germzil"). Why: the replacements above are all names the model has
   * seen; a new name (the course's "Brooklyn") reaches it as unfamiliar word pieces, and only
   * made-up names teach it to type those from the context.
   */
  readonly syntheticRate?: number;
}

interface Mention {
  readonly type: string;
  readonly start: number;
  readonly words: readonly string[];
}

/** Mulberry32: a small seeded generator, enough for choosing mentions reproducibly. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A made-up mention as long as `template`: each word joins the first half of a random word of
 * `words` to the second half of another (the first word's capital stays, as names keep theirs).
 */
export function splicedMention(
  template: readonly string[],
  words: readonly string[],
  random: () => number,
): string[] {
  const pick = () => words[Math.floor(random() * words.length)] ?? '';
  return template.map((original) => {
    const head = pick();
    const tail = pick();
    const spliced = head.slice(0, Math.ceil(head.length / 2)) + tail.slice(Math.ceil(tail.length / 2));
    return spliced.length > 0 ? spliced : original;
  });
}

/** The mentions of one sentence (IOB2: an `I-` after `O` or after another type starts one too). */
export function mentionsOf(
  words: readonly string[],
  tags: readonly number[],
  labelNames: readonly string[],
): Mention[] {
  const mentions: Mention[] = [];
  let current: { type: string; start: number; end: number } | undefined;
  const close = () => {
    if (current)
      mentions.push({
        type: current.type,
        start: current.start,
        words: words.slice(current.start, current.end),
      });
    current = undefined;
  };
  tags.forEach((tag, i) => {
    const label = labelNames[tag];
    if (label === undefined)
      throw new RangeError(`tag ${tag} at word ${i} is not one of the ${labelNames.length} labels`);
    if (label === 'O') {
      close();
      return;
    }
    const [prefix, type] = [label.slice(0, 2), label.slice(2)];
    if (prefix === 'B-' || current?.type !== type) {
      close();
      current = { type, start: i, end: i + 1 };
    } else current.end = i + 1;
  });
  close();
  return mentions;
}

/**
 * `copies` copies of `sentences`, each mention replaced with probability `rate` by a random mention
 * of the same type from `sentences` (tagged `B-type`, `I-type`…). Sentences come back in order,
 * copy after copy; the input is not changed.
 */
export function mentionReplacedCopies(
  sentences: TaggedSentences,
  labelNames: readonly string[],
  options: MentionReplacementOptions,
): { tokens: string[][]; tags: number[][] } {
  if (sentences.tokens.length !== sentences.tags.length)
    throw new RangeError(`${sentences.tokens.length} word lists but ${sentences.tags.length} tag lists`);
  const labelId = new Map(labelNames.map((name, id) => [name, id]));
  const perSentence = sentences.tokens.map((words, i) =>
    mentionsOf(words, sentences.tags[i] ?? [], labelNames),
  );
  const pool = new Map<string, (readonly string[])[]>();
  for (const mention of perSentence.flat()) {
    const list = pool.get(mention.type) ?? [];
    list.push(mention.words);
    pool.set(mention.type, list);
  }
  // The words of each type's mentions, for made-up names.
  const wordPool = new Map([...pool].map(([type, list]) => [type, list.flat()]));
  const syntheticRate = options.syntheticRate ?? 0;
  if (!(syntheticRate >= 0 && syntheticRate <= 1))
    throw new RangeError(`syntheticRate must be in [0, 1], got ${options.syntheticRate}`);
  const random = seededRandom(options.seed);
  const tokens: string[][] = [];
  const tags: number[][] = [];
  for (let copy = 0; copy < options.copies; copy += 1) {
    sentences.tokens.forEach((words, s) => {
      const oldTags = sentences.tags[s] ?? [];
      const newWords: string[] = [];
      const newTags: number[] = [];
      let next = 0;
      for (const mention of perSentence[s] ?? []) {
        newWords.push(...words.slice(next, mention.start));
        newTags.push(...oldTags.slice(next, mention.start));
        const choices = pool.get(mention.type) ?? [];
        let replacement =
          random() < options.rate
            ? (choices[Math.floor(random() * choices.length)] ?? mention.words)
            : mention.words;
        // Drawn only when asked, so syntheticRate 0 leaves the copies exactly as before.
        if (replacement !== mention.words && syntheticRate > 0 && random() < syntheticRate)
          replacement = splicedMention(replacement, wordPool.get(mention.type) ?? [], random);
        replacement.forEach((word, k) => {
          newWords.push(word);
          newTags.push(labelId.get(`${k === 0 ? 'B' : 'I'}-${mention.type}`) as number);
        });
        next = mention.start + mention.words.length;
      }
      newWords.push(...words.slice(next));
      newTags.push(...oldTags.slice(next));
      tokens.push(newWords);
      tags.push(newTags);
    });
  }
  return { tokens, tags };
}
