// Error messages quote values read from untrusted files (tokenizer.json,
// tokenizer_config.json...) and from callers. JSON.stringify / String() recurse
// without limit (a value nested 20,000 deep overflows the stack) and print huge
// values whole, so messages describe values through this bounded writer instead.

/** Characters of a description before it is cut (with `…`). */
const MAX_CHARS = 60;
/** Arrays and objects nested deeper than this print as `[…]` / `{…}`. */
const MAX_DEPTH = 3;

/**
 * A short JSON-like description of any value for an error message: strings
 * JSON-quoted, arrays and objects written to depth 3, the whole cut to about
 * 60 characters. Its cost is bounded whatever the value's size or depth.
 */
export function describeValue(value: unknown): string {
  const out = { text: '' };
  write(value, 0, out);
  if (out.text.length <= MAX_CHARS) return out.text;
  // Never end on half a surrogate pair.
  const end = isHighSurrogate(out.text.charCodeAt(MAX_CHARS - 1)) ? MAX_CHARS - 1 : MAX_CHARS;
  return `${out.text.slice(0, end)}…`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function write(value: unknown, depth: number, out: { text: string }): void {
  if (out.text.length > MAX_CHARS) return;
  if (typeof value === 'string') {
    out.text += JSON.stringify(value.length > MAX_CHARS ? value.slice(0, MAX_CHARS + 1) : value);
    return;
  }
  if (typeof value === 'bigint') {
    out.text += `${value}n`;
    return;
  }
  if (typeof value === 'function') {
    out.text += 'a function';
    return;
  }
  if (typeof value === 'symbol') {
    out.text += value.toString().slice(0, MAX_CHARS + 1);
    return;
  }
  if (value === null || typeof value !== 'object') {
    out.text += String(value); // number, boolean, undefined
    return;
  }
  if (Array.isArray(value)) {
    if (depth >= MAX_DEPTH) {
      out.text += value.length === 0 ? '[]' : '[…]';
      return;
    }
    out.text += '[';
    for (let i = 0; i < value.length && out.text.length <= MAX_CHARS; i++) {
      if (i > 0) out.text += ',';
      write(value[i], depth + 1, out);
    }
    out.text += ']';
    return;
  }
  let first = true;
  out.text += '{';
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (depth >= MAX_DEPTH || out.text.length > MAX_CHARS) {
      out.text += '…';
      break;
    }
    if (!first) out.text += ',';
    first = false;
    write(key, depth + 1, out);
    out.text += ':';
    write((value as Record<string, unknown>)[key], depth + 1, out);
  }
  out.text += '}';
}
