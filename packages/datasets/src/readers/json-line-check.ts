/**
 * Checks one JSON Lines line (or another JSON text, such as parquet's `huggingface` metadata) before
 * `JSON.parse`: nesting depth (deep values overflow the stack of
 * every recursive step after parsing, with a `RangeError` that names nothing) and integers that a
 * JavaScript number cannot hold exactly (`JSON.parse` rounds 2^53 + 1 silently; Python keeps it).
 * Both need the source text, so this is a small scanner over brackets, strings and number tokens.
 */
import { DatasetFormatError } from '../errors.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** Integer literals shorter than this are exact as numbers (2^53 has 16 digits). */
const SAFE_DIGITS = 16;
const LONG_DIGIT_RUN = /\d{16}/;

const isDigit = (code: number) => code >= ZERO && code <= NINE;

/** Where a JSON text comes from and what to refuse in it. */
export interface JsonCheck {
  readonly file: string;
  /** 1-based line, or 0 when the text is not a line of the file. */
  readonly line: number;
  readonly maxDepth: number;
  /** `'refuse'` (default): an integer literal beyond ±(2^53 - 1) is an error. */
  readonly unsafeIntegers?: 'refuse' | 'allow';
  /** Put before the message, e.g. `"huggingface" metadata: `. */
  readonly context?: string;
}

/** Throws a {@link DatasetFormatError} at `check.file`/`check.line` if `line` nests too deep or has an unsafe integer. */
export function checkJsonLine(line: string, check: JsonCheck): void {
  const checkIntegers = check.unsafeIntegers !== 'allow';
  const { file, line: lineNumber, maxDepth } = check;
  const context = check.context ?? '';
  // Most lines have neither a long digit run nor many brackets: skip the character scan for them.
  if (!(checkIntegers && LONG_DIGIT_RUN.test(line)) && bracketsAtMost(line, maxDepth)) return;
  let depth = 0;
  // The key of the top-level field being read, as its raw JSON string (decoded only for a message).
  let lastTopString = '';
  let topKey = '';
  const n = line.length;
  let i = 0;
  while (i < n) {
    const code = line.charCodeAt(i);
    if (code === QUOTE) {
      const end = stringEnd(line, i);
      if (depth === 1) lastTopString = line.slice(i, end + 1);
      i = end + 1;
      continue;
    }
    if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      depth += 1;
      if (depth > maxDepth) {
        throw new DatasetFormatError(
          file,
          lineNumber,
          `${context}${fieldLabel(topKey)}JSON nested deeper than ${maxDepth} levels (option maxJsonDepth).`,
        );
      }
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth -= 1;
    } else if (code === COLON && depth === 1) {
      topKey = lastTopString;
    } else if (checkIntegers && (code === MINUS || isDigit(code))) {
      i = checkNumber(line, i, file, lineNumber, topKey);
      continue;
    }
    i += 1;
  }
}

/** True when the line holds at most `limit` opening brackets (so it cannot nest deeper than that). */
function bracketsAtMost(line: string, limit: number): boolean {
  let count = 0;
  for (const bracket of ['{', '[']) {
    let at = line.indexOf(bracket);
    while (at !== -1) {
      count += 1;
      if (count > limit) return false;
      at = line.indexOf(bracket, at + 1);
    }
  }
  return true;
}

/** Index of the quote that closes the string opening at `start` (or the line's end if none does). */
function stringEnd(line: string, start: number): number {
  let i = start + 1;
  while (i < line.length) {
    const code = line.charCodeAt(i);
    if (code === BACKSLASH) i += 2;
    else if (code === QUOTE) return i;
    else i += 1;
  }
  return line.length;
}

/** Skips the number token at `start`; throws if it is an integer literal a double cannot hold. */
function checkNumber(line: string, start: number, file: string, lineNumber: number, topKey: string): number {
  let i = start;
  if (line.charCodeAt(i) === MINUS) i += 1;
  const digitsStart = i;
  while (i < line.length && isDigit(line.charCodeAt(i))) i += 1;
  const digits = i - digitsStart;
  const next = line.charCodeAt(i);
  const isInteger = next !== DOT && next !== 0x65 && next !== 0x45; // not followed by '.', 'e', 'E'
  if (isInteger && digits >= SAFE_DIGITS) {
    const literal = line.slice(start, i);
    if (!Number.isSafeInteger(Number(literal))) {
      throw new DatasetFormatError(
        file,
        lineNumber,
        `${fieldLabel(topKey)}integer ${literal} is beyond ±(2^53 - 1) and would be rounded; write it as a string (or a float) instead.`,
      );
    }
  }
  // Skip a fraction and exponent so their digits are not read as another number.
  while (i < line.length) {
    const code = line.charCodeAt(i);
    if (isDigit(code) || code === DOT || code === 0x65 || code === 0x45 || code === 0x2b || code === MINUS)
      i += 1;
    else break;
  }
  return i;
}

/** `field "name": ` for a message, from the key's raw JSON text; empty outside any field. */
function fieldLabel(rawKey: string): string {
  if (rawKey === '') return '';
  try {
    return `field ${JSON.stringify(JSON.parse(rawKey))}: `;
  } catch {
    return `field ${rawKey}: `;
  }
}
