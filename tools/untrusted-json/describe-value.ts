/**
 * Describes an untrusted JSON value (a config.json field, a safetensors header
 * entry, a tokenizer.json field) for an error message. `JSON.stringify` and `String` recurse once per
 * nesting level, so a value nested 20,000 deep overflows the stack while the
 * message is being built, and a huge value would make a huge message; this
 * walks the value with an explicit stack and stops after `limit` characters.
 */

/** How many characters of a value an error message shows by default. */
export const DESCRIBE_LIMIT = 60;

/**
 * The value as compact JSON when that takes at most `limit` characters
 * (`-1`, `"F128"`, `[1,2]`, `{"a":1}`, exactly what `JSON.stringify` gives,
 * except that a non-finite number reads `Infinity`, `-Infinity` or `NaN`, not `null`);
 * otherwise `an array`, `an object`, or for a long string its first `limit`
 * characters quoted, then `…` and its length. `undefined` gives `undefined`.
 */
export function describeValue(value: unknown, limit = DESCRIBE_LIMIT): string {
  if (typeof value === 'string') return describeString(value, limit);
  if (value === undefined) return 'undefined';
  if (value === null || typeof value !== 'object') return scalarJson(value);
  return boundedJson(value, limit) ?? (Array.isArray(value) ? 'an array' : 'an object');
}

function describeString(text: string, limit: number): string {
  if (text.length <= limit) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, limit))}… (${text.length} characters)`;
}

/** JSON for a value that is not an object; what JSON.stringify writes inside an array for the rest. */
function scalarJson(value: unknown): string {
  if (typeof value === 'bigint') return String(value);
  // JSON.stringify writes null for these; a message must not say "not null" of an Infinity.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return JSON.stringify(value) ?? 'null';
}

/** Whether JSON.stringify leaves an object property out. */
function omitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/**
 * Compact JSON of `root` when it fits in `limit` characters, else null. Every
 * step writes at least one character, so the walk ends after about `limit`
 * steps whatever the depth or size of the value.
 */
function boundedJson(root: object, limit: number): string | null {
  let out = '';
  // Pending work, last first: text to write as is, or a value to serialize.
  const stack: (string | { readonly value: unknown })[] = [{ value: root }];
  while (stack.length > 0) {
    if (out.length > limit) return null;
    const item = stack.pop()!;
    if (typeof item === 'string') {
      out += item;
      continue;
    }
    const value = item.value;
    if (typeof value === 'string') {
      if (value.length > limit) return null;
      out += JSON.stringify(value);
    } else if (value === null || typeof value !== 'object') {
      out += scalarJson(value);
    } else if (Array.isArray(value)) {
      // Each item takes at least one character: more items than that cannot fit.
      if (value.length > limit) return null;
      out += '[';
      stack.push(']');
      for (let i = value.length - 1; i >= 0; i--) {
        stack.push({ value: value[i] });
        if (i > 0) stack.push(',');
      }
    } else {
      const keys = Object.keys(value);
      if (keys.length > limit) return null;
      const record = value as Record<string, unknown>;
      const kept = keys.filter((key) => !omitted(record[key]));
      out += '{';
      stack.push('}');
      for (let i = kept.length - 1; i >= 0; i--) {
        const key = kept[i]!;
        if (key.length > limit) return null;
        stack.push({ value: record[key] });
        stack.push(`${JSON.stringify(key)}:`);
        if (i > 0) stack.push(',');
      }
    }
  }
  return out.length > limit ? null : out;
}
