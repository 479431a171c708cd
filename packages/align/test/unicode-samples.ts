import {
  CHINESE_CHARS,
  CLEAN_TEXT_REMOVED,
  DECOMPOSABLE,
  LOWERCASE_RUNS,
  NONSPACING_MARKS,
  PUNCTUATION,
  WHITESPACE,
} from '../src/unicode-tables.generated.js';

/** Every general category a valid string can hold (Cs, lone surrogates, is left out). */
// biome-ignore format: a table
export const GENERAL_CATEGORIES = [
  'Cc', 'Cf', 'Cn', 'Co', 'Ll', 'Lm', 'Lo', 'Lt', 'Lu', 'Mc', 'Me', 'Mn', 'Nd', 'Nl', 'No',
  'Pc', 'Pd', 'Pe', 'Pf', 'Pi', 'Po', 'Ps', 'Sc', 'Sk', 'Sm', 'So', 'Zl', 'Zp', 'Zs',
] as const;

export const PLANES = 17;

export function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const isSurrogate = (cp: number): boolean => cp >= 0xd800 && cp <= 0xdfff;

/** Every code point except surrogates, in order. */
export function* allCodePoints(): Generator<number> {
  for (let cp = 0; cp <= 0x10ffff; cp++) if (!isSurrogate(cp)) yield cp;
}

// One regex with a group per category: one exec classifies a code point.
const CATEGORY_PATTERN = new RegExp(
  `^(?:${GENERAL_CATEGORIES.map((gc) => `(\\p{gc=${gc}})`).join('|')})$`,
  'u',
);

/** The running Node's general category of a code point (used only to pick samples). */
export function nodeCategory(cp: number): string {
  const match = CATEGORY_PATTERN.exec(String.fromCodePoint(cp));
  if (!match) throw new Error(`no general category for U+${cp.toString(16)}`);
  return GENERAL_CATEGORIES[match.slice(1).findIndex((g) => g !== undefined)]!;
}

/** Code points on both sides of every range edge of the frozen tables: where an off-by-one would show. */
function tableEdges(): number[] {
  const edges: number[] = [];
  const rangeLines = [
    CLEAN_TEXT_REMOVED,
    WHITESPACE,
    PUNCTUATION,
    CHINESE_CHARS,
    NONSPACING_MARKS,
    DECOMPOSABLE,
  ];
  for (const lines of rangeLines) {
    for (const entry of lines.join('').split(',')) {
      const [start, end = start] = entry.split('-').map((h) => Number.parseInt(h, 16)) as [number, number?];
      edges.push(start - 1, start, end!, end! + 1);
    }
  }
  for (const entry of LOWERCASE_RUNS.join('').split(',')) {
    const [start, end = start] = entry
      .replace(/(\/2)?[+-]\d+$/, '')
      .split('-')
      .map((h) => Number.parseInt(h, 16)) as [number, number?];
    edges.push(start - 1, start, start + 1, end!, end! + 1);
  }
  return edges.filter((cp) => cp >= 0 && cp <= 0x10ffff && !isSurrogate(cp));
}

/** Characters and sequences that broke or could break parity. */
// biome-ignore format: a table
const NAMED_SAMPLES = [
  '\u0378', '\u0379', '\ufdd0', '\ufdef', '\ufffe', '\uffff', '\u{1fffe}', '\u{10ffff}', '\u{e0000}',
  '\u0890', '\u0891', '\u08e2', '\u{110cd}', '\u{13430}', '\u2e43', '\u2e4f', '\u2e52', '\u2e5d',
  '\u0897', '\u089f', '\u08d4', '\u1df6', '\u{11938}', '\u{105c9}', '\u{16d68}', '\u0130', '\u03a3',
  '\u1c89', '\ua7cb', '\u{10d50}', '\u00a0', '\u1680', '\u2007', '\u202f', '\u205f', '\u3000', '\u180e',
  '\u200b', '\u2028', '\u2029', '\u0085', '\u000b', '\u001c', '\ufeff', '\ufffd', '\ue000', '\u{f0000}',
  '\u{100000}', '\u{10fffd}', '\u{e0001}', '\u{e0041}', '\u{e0100}', '\ufe0f', '\u{2a6df}', '\u{2a6e0}',
  '\u{2b739}', '\u{2b81d}', '\u{2cea1}', '\u{2ebe0}', '\u{30000}', '\u{31350}', '\u9fff', '\u3400',
  '👍🏽', '👨\u200d👩\u200d👧', '🇯🇵', '1\ufe0f\u20e3', '🏳\ufe0f\u200d🌈', '😀', '\u{1fae8}', '\u{1fa70}',
  'e\u0301\u0316', 'a\u{1d16d}\u{1d165}', 'k\u302e\u0f39', 'o\u0308\u0304', '\u1100\u1161\u11a8', '가\u11a8',
  'A\u030a', '\u0627\u0653', '\u0915\u093c', '\u0e01\u0e48\u0e33', 'ñ', 'Ñ', 'İ', 'ẞ', 'ǅ', 'ﬁ',
];

export interface GeneratedTexts {
  texts: string[];
  /** How many sample characters or sequences went into the texts (each at least once). */
  samples: number;
  /** Planes and (running Node's) general categories of the code points in the texts. */
  planes: Set<number>;
  categories: Set<string>;
}

/**
 * Seeded strings that hold, each at least once: up to 16 code points of every
 * (plane, general category) pair, both sides of every edge of the frozen tables,
 * and the named samples above; glued inside ASCII words or standing alone. Then
 * random mixtures of all of them.
 */
export function generatedTexts(seed: number, randomCount: number): GeneratedTexts {
  const random = mulberry32(seed);
  const buckets = new Map<string, number[]>();
  for (const cp of allCodePoints()) {
    const key = `${cp >> 16}:${nodeCategory(cp)}`;
    const bucket = buckets.get(key);
    if (bucket) bucket.push(cp);
    else buckets.set(key, [cp]);
  }
  const sampled = new Set<number>();
  for (const bucket of buckets.values()) {
    sampled.add(bucket[0]!);
    sampled.add(bucket[bucket.length - 1]!);
    for (let k = 0; k < 14; k++) sampled.add(bucket[Math.floor(random() * bucket.length)]!);
  }
  for (const cp of tableEdges()) sampled.add(cp);
  const samples = [...[...sampled].map((cp) => String.fromCodePoint(cp)), ...NAMED_SAMPLES];
  // Seeded shuffle, so each text gets a mix of kinds.
  for (let i = samples.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [samples[i], samples[j]] = [samples[j]!, samples[i]!];
  }
  const glue = (): string => {
    const r = random();
    return r < 0.35 ? ' ' : r < 0.6 ? '' : r < 0.8 ? 'ab' : r < 0.9 ? 'Xy ' : ' the ';
  };
  const texts: string[] = [];
  for (let i = 0; i < samples.length; ) {
    const take = 1 + Math.floor(random() * 6);
    let text = glue();
    for (const sample of samples.slice(i, i + take)) text += sample + glue();
    texts.push(text);
    i += take;
  }
  for (let i = 0; i < randomCount; i++) {
    let text = '';
    const length = 1 + Math.floor(random() * 12);
    for (let k = 0; k < length; k++) text += samples[Math.floor(random() * samples.length)]! + glue();
    texts.push(text);
  }
  const planes = new Set<number>();
  const categories = new Set<string>();
  for (const text of texts) {
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      planes.add(cp >> 16);
      categories.add(nodeCategory(cp));
    }
  }
  return { texts, samples: samples.length, planes, categories };
}
