// Writes src/unicode-tables.generated.ts: the character classes of the Rust BERT
// normalizer and pre-tokenizer, measured on the Rust binding itself (npm `tokenizers`,
// the version pinned in this package's devDependencies) over every code point.
//
// Run from packages/align:  node scripts/generate-unicode-tables.mjs
// (about 10 s; the binding is called once per code point and per property).
//
// Why measured and not read from the Unicode database: the Rust crates freeze different
// Unicode versions (and `unicode_categories`' `is_other` leaves out unassigned code
// points), while JavaScript regexes and String#normalize follow the running Node's ICU.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'package.json'));
const tokenizers = require('tokenizers');
const bindingVersion = require('tokenizers/package.json').version;
const output = join(here, '..', 'src', 'unicode-tables.generated.ts');

const normalizer = (options) =>
  tokenizers.bertNormalizer({
    cleanText: false,
    handleChineseChars: false,
    stripAccents: false,
    lowercase: false,
    ...options,
  });
const cleanText = normalizer({ cleanText: true });
const chineseChars = normalizer({ handleChineseChars: true });
const stripAccents = normalizer({ stripAccents: true });
const lowercase = normalizer({ lowercase: true });
const nfd = tokenizers.nfdNormalizer();
const preTokenizer = tokenizers.bertPreTokenizer();

const MAX = 0x10ffff;
const isSurrogate = (cp) => cp >= 0xd800 && cp <= 0xdfff;
const hex = (n) => n.toString(16);

/** Sorted inclusive [start, end] ranges of the code points for which `test` holds. */
function collectRanges(test) {
  const ranges = [];
  for (let cp = 0; cp <= MAX; cp++) {
    if (isSurrogate(cp) || !test(cp)) continue;
    const last = ranges[ranges.length - 1];
    // Surrogates can never occur, so a range may run across them.
    if (last && (last[1] === cp - 1 || (last[1] === 0xd7ff && cp === 0xe000))) last[1] = cp;
    else ranges.push([cp, cp]);
  }
  return ranges;
}

function fail(message) {
  throw new Error(`generate-unicode-tables: ${message}`);
}

// One pass over every code point, recording what each Rust step does to it alone.
const removed = new Set();
const spaced = new Set();
const chinese = new Set();
const decomposition = new Map();
const stripped = new Map();
const lowered = new Map();
const whitespace = new Set();
const punctuation = new Set();
for (let cp = 0; cp <= MAX; cp++) {
  if (isSurrogate(cp)) continue;
  const ch = String.fromCodePoint(cp);
  const clean = cleanText.normalizeString(ch);
  if (clean === '') removed.add(cp);
  else if (clean === ' ' && ch !== ' ') spaced.add(cp);
  else if (clean !== ch) fail(`clean_text maps U+${cp.toString(16)} to ${JSON.stringify(clean)}`);
  const cjk = chineseChars.normalizeString(ch);
  if (cjk === ` ${ch} `) chinese.add(cp);
  else if (cjk !== ch) fail(`handle_chinese_chars maps U+${cp.toString(16)} to ${JSON.stringify(cjk)}`);
  const decomposed = nfd.normalizeString(ch);
  if (decomposed !== ch) decomposition.set(cp, decomposed);
  stripped.set(cp, stripAccents.normalizeString(ch));
  const lower = lowercase.normalizeString(ch);
  if (lower !== ch) lowered.set(cp, lower);
  // "a" + ch + "b": one word (ch is part of a word), two (ch splits them), three (ch is its own word).
  const words = preTokenizer.preTokenizeString(`a${ch}b`).length;
  if (words === 2) whitespace.add(cp);
  else if (words === 3) punctuation.add(cp);
  else if (words !== 1) fail(`pre-tokenizer gives ${words} words for a U+${cp.toString(16)} b`);
}

// Strip accents is NFD then "drop every nonspacing mark". A code point that NFD leaves
// alone is a nonspacing mark exactly when stripping deletes it; decomposed code points
// are made of such code points, so this covers every character stripping ever looks at.
const nonspacingMark = new Set();
for (const [cp, out] of stripped) {
  if (decomposition.has(cp)) continue;
  if (out === '') nonspacingMark.add(cp);
  else if (out !== String.fromCodePoint(cp)) fail(`strip_accents maps U+${cp.toString(16)} to ${out}`);
}
for (const [cp, decomposed] of decomposition) {
  const expected = [...decomposed].filter((c) => !nonspacingMark.has(c.codePointAt(0))).join('');
  if (stripped.get(cp) !== expected) fail(`strip_accents of U+${cp.toString(16)} is not NFD minus Mn`);
}

// Whitespace of clean_text (\t, \n, \r or Rust `char::is_whitespace`) is what the
// pre-tokenizer splits on, minus what clean_text deletes first: checked, then one table.
for (const cp of whitespace) {
  if (!removed.has(cp) && cp !== 0x20 && !spaced.has(cp))
    fail(`U+${cp.toString(16)} splits but is not spaced`);
}
for (const cp of spaced) if (!whitespace.has(cp)) fail(`U+${cp.toString(16)} is spaced but does not split`);

// The decompositions are applied at run time with String#normalize('NFD') on the code
// points that Rust decomposes (decompositions of assigned characters never change, by
// Unicode's normalization stability policy); checked here on the running Node.
for (const [cp, decomposed] of decomposition) {
  if (String.fromCodePoint(cp).normalize('NFD') !== decomposed)
    fail(`Node's NFD of U+${cp.toString(16)} differs from Rust's`);
}

// Canonical ordering: NFD sorts each run of combining characters (canonical combining
// class > 0) by class, across the characters of the text, and Rust only knows the
// classes of its Unicode version. The classes are measured as ranks: which of two
// marks NFD puts first. "a" + c + U+0334 (class 1) reorders when class(c) > 1;
// "a" + U+0301 (class 230) + c reorders when 0 < class(c) < 230.
const reorders = (first, second) => nfd.normalizeString(`a${first}${second}`) === `a${second}${first}`;
const combining = [];
for (let cp = 0; cp <= MAX; cp++) {
  if (isSurrogate(cp) || decomposition.has(cp) || cp === 0x61) continue;
  const ch = String.fromCodePoint(cp);
  if (reorders(ch, '\u0334') || reorders('\u0301', ch)) combining.push(cp);
}
/** Representatives of each class, lowest first; a mark sorts after those it reorders behind. */
const classes = [];
const classOf = new Map();
for (const cp of combining) {
  const ch = String.fromCodePoint(cp);
  let lo = 0;
  let hi = classes.length;
  let found = -1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const rep = String.fromCodePoint(classes[mid]);
    if (reorders(ch, rep)) lo = mid + 1;
    else if (reorders(rep, ch)) hi = mid;
    else {
      found = mid;
      break;
    }
  }
  if (found < 0) {
    classes.splice(lo, 0, cp);
    found = lo;
  }
  classOf.set(cp, classes[found]);
}
const rankOfClass = new Map(classes.map((cp, i) => [cp, i + 1]));
const combiningRank = new Map(combining.map((cp) => [cp, rankOfClass.get(classOf.get(cp))]));
// Node's single-character NFD must order the decompositions the same way (checked above
// by equality); ranks are checked against Node's ordering of every pair of classes too.
for (let i = 0; i + 1 < classes.length; i++) {
  const [low, high] = [String.fromCodePoint(classes[i]), String.fromCodePoint(classes[i + 1])];
  if (`a${high}${low}`.normalize('NFD') !== `a${low}${high}`)
    fail(`Node orders U+${hex(classes[i])} differently`);
}

// Lowercase: single code points as runs of equal offsets (every or every other code
// point), longer results listed apart (only U+0130 today).
const lowercaseRuns = [];
const lowercaseSpecial = [];
for (const [cp, lower] of lowered) {
  const chars = [...lower];
  if (chars.length !== 1) {
    lowercaseSpecial.push([cp, lower]);
    continue;
  }
  const delta = chars[0].codePointAt(0) - cp;
  const last = lowercaseRuns[lowercaseRuns.length - 1];
  const gap = last ? cp - last.end : 0;
  if (last && last.delta === delta && (gap === last.step || (last.start === last.end && gap <= 2))) {
    last.step = gap;
    last.end = cp;
  } else {
    lowercaseRuns.push({ start: cp, end: cp, step: 1, delta });
  }
}

// Which Unicode version each table corresponds to, from characters added in each version: a version
// passes when every set named holds all of its characters.
const measured = { removed, punctuation, nonspacingMark, decomposition, combiningRank, lowered };
const probes = {
  'unicode_categories (Cc/Cf/Co, P*, Mn)': {
    '7.0': { removed: [0x1bca0], punctuation: [0x2e42], nonspacingMark: [0x1ab0] },
    '8.0': { nonspacingMark: [0x08e3, 0xfe2e], punctuation: [0x1173c] },
    '9.0': { removed: [0x08e2], punctuation: [0x2e43], nonspacingMark: [0x08d4] },
    '10.0': { punctuation: [0x2e45], nonspacingMark: [0x1df6] },
    '11.0': { punctuation: [0x2e4a], removed: [0x110cd] },
    '12.0': { punctuation: [0x2e4f], removed: [0x13430] },
  },
  'unicode-normalization-alignments (NFD)': {
    '13.0': { decomposition: [0x11938] },
    '16.0': { decomposition: [0x105c9, 0x16d68] },
  },
  'unicode-normalization-alignments (combining classes)': {
    '9.0': { combiningRank: [0x08d4, 0x1e944] },
    '10.0': { combiningRank: [0x1df6, 0x11d42] },
    '11.0': { combiningRank: [0x10d24, 0x10f46] },
    '12.0': { combiningRank: [0x1e130, 0x1e2ec] },
    '13.0': { combiningRank: [0x1abf, 0x16ff0] },
  },
  'Rust std (char::to_lowercase)': {
    '11.0': { lowered: [0x1c90] },
    '14.0': { lowered: [0x2c2f, 0xa7c0] },
    '16.0': { lowered: [0x1c89, 0xa7cb, 0x10d50] },
  },
};
const holds = (added) =>
  Object.entries(added).every(([set, codePoints]) => codePoints.every((cp) => measured[set].has(cp)));
const versionNotes = Object.entries(probes).map(([name, versions]) => {
  const list = Object.entries(versions).map(([version, added]) => [version, () => holds(added)]);
  const passed = list.filter(([, test]) => test());
  const newestPassed = passed.length > 0 ? passed[passed.length - 1][0] : undefined;
  const firstFailed = list.find(([, test]) => !test());
  // Probes must pass up to a point and fail after it, or the note would be wrong.
  if (firstFailed && passed.some(([v]) => Number(v) > Number(firstFailed[0])))
    fail(`${name}: version probes are not monotonic`);
  const range = [
    newestPassed ? `has Unicode ${newestPassed} additions` : undefined,
    firstFailed ? `lacks Unicode ${firstFailed[0]} additions` : 'the newest probed',
  ].filter(Boolean);
  return `${name}: ${range.join(', ')}`;
});

let lowercaseMatchesNode = true;
for (let cp = 0; cp <= MAX && lowercaseMatchesNode; cp++) {
  if (isSurrogate(cp)) continue;
  const ch = String.fromCodePoint(cp);
  if ((lowered.get(cp) ?? ch) !== (cp === 0x3a3 ? '\u03c3' : ch.toLowerCase())) lowercaseMatchesNode = false;
}

// --- Writing the TypeScript module -------------------------------------------------

const rangeText = (ranges) => ranges.map(([s, e]) => (s === e ? hex(s) : `${hex(s)}-${hex(e)}`));
/** Runs of code points with the same combining class rank: "start-end:rank". */
const rankRuns = [];
for (const cp of combining) {
  const rank = combiningRank.get(cp);
  const last = rankRuns[rankRuns.length - 1];
  if (last && last.rank === rank && last.end === cp - 1) last.end = cp;
  else rankRuns.push({ start: cp, end: cp, rank });
}
const rankText = rankRuns.map(
  ({ start, end, rank }) => `${start === end ? hex(start) : `${hex(start)}-${hex(end)}`}:${rank}`,
);
const runText = lowercaseRuns.map(
  ({ start, end, step, delta }) =>
    `${start === end ? hex(start) : `${hex(start)}-${hex(end)}`}${step === 2 ? '/2' : ''}${delta < 0 ? '' : '+'}${delta}`,
);

/** Entries joined by commas into single-quoted string lines that fit biome's 110 columns. */
function stringLines(entries) {
  const lines = [];
  let line = '';
  for (const entry of entries) {
    const next = line === '' ? entry : `${line},${entry}`;
    if (next.length > 100) {
      lines.push(`${line},`);
      line = entry;
    } else {
      line = next;
    }
  }
  if (line !== '') lines.push(line);
  return lines.map((l) => `  '${l}',`);
}

/** An exported constant laid out as biome formats it: on one line when it fits in 110 columns. */
function constant(doc, head, open, items, close) {
  const oneLine = `${head}${open}${items.map((i) => i.trim().replace(/,$/, '')).join(', ')}${close};`;
  const body = oneLine.length <= 110 ? [oneLine] : [`${head}${open}`, ...items, `${close};`];
  return [`/** ${doc} */`, ...body, ''];
}

function table(name, doc, entries) {
  return constant(doc, `export const ${name}: readonly string[] = `, '[', stringLines(entries), ']');
}

const tables = {
  removed: collectRanges((cp) => removed.has(cp)),
  whitespace: collectRanges((cp) => whitespace.has(cp)),
  punctuation: collectRanges((cp) => punctuation.has(cp)),
  chinese: collectRanges((cp) => chinese.has(cp)),
  nonspacingMark: collectRanges((cp) => nonspacingMark.has(cp)),
  decomposable: collectRanges((cp) => decomposition.has(cp)),
};

const lines = [
  '// GENERATED by scripts/generate-unicode-tables.mjs: do not edit, run the script again.',
  '//',
  `// Measured on the Rust binding, npm tokenizers@${bindingVersion}, code point by code point`,
  '// (0..10FFFF without surrogates): BertNormalizer with one option on at a time,',
  '// NFD, and BertPreTokenizer on "a" + c + "b". The Unicode versions behind it:',
  ...versionNotes.map((note) => `//   ${note}.`),
  '//   Rust std (char::is_whitespace): White_Space, unchanged since Unicode 6.3.',
  `// Generated with Node ${process.version} (Unicode ${process.versions.unicode}); Rust lowercase ${
    lowercaseMatchesNode ? 'equals' : 'differs from'
  } that Node's.`,
  '// Ranges are hexadecimal, inclusive, comma-separated: "start-end" or one code point.',
  '',
  ...table(
    'CLEAN_TEXT_REMOVED',
    'What clean_text deletes: U+0000, U+FFFD and `unicode_categories` Cc/Cf/Co except \\t \\n \\r (not Cn).',
    rangeText(tables.removed),
  ),
  ...table(
    'WHITESPACE',
    'Rust `char::is_whitespace`: clean_text turns these into a space, the pre-tokenizer splits on them.',
    rangeText(tables.whitespace),
  ),
  ...table(
    'PUNCTUATION',
    'BertPreTokenizer punctuation: ASCII punctuation and symbols, and `unicode_categories` P*.',
    rangeText(tables.punctuation),
  ),
  ...table(
    'CHINESE_CHARS',
    'handle_chinese_chars: the CJK blocks of the original BERT code (fixed ranges, not a property).',
    rangeText(tables.chinese),
  ),
  ...table(
    'NONSPACING_MARKS',
    'strip_accents drops these after NFD (`unicode_categories` Mn), among code points NFD leaves alone.',
    rangeText(tables.nonspacingMark),
  ),
  ...table(
    'DECOMPOSABLE',
    "Code points Rust's NFD changes (String#normalize('NFD') gives the same result for them).",
    rangeText(tables.decomposable),
  ),
  ...table(
    'COMBINING_CLASS_RANKS',
    `NFD canonical ordering: code points with a combining class > 0 and its rank (1 = lowest of ${classes.length}).`,
    rankText,
  ),
  ...table(
    'LOWERCASE_RUNS',
    'Rust `char::to_lowercase` to one code point: "start-end" (or "/2": every other one) and the offset.',
    runText,
  ),
  ...constant(
    'Rust `char::to_lowercase` results longer than one code point.',
    'export const LOWERCASE_SPECIAL: ReadonlyMap<number, string> = ',
    'new Map([',
    lowercaseSpecial.map(([cp, lower]) => `  [0x${hex(cp)}, ${JSON.stringify(lower).replace(/"/g, "'")}],`),
    '])',
  ),
];
const text = lines
  .join('\n')
  .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
writeFileSync(output, text);
const sizes = Object.entries(tables).map(([name, ranges]) => `${name} ${ranges.length}`);
console.log(
  `wrote ${output}: ${sizes.join(', ')}, lowercase runs ${lowercaseRuns.length}, ` +
    `combining class runs ${rankRuns.length} (${classes.length} classes); ${text.length} bytes`,
);
for (const note of versionNotes) console.log(`  ${note}`);
