/**
 * `json.dumps(obj, indent=2, sort_keys=True)` as Python writes config.json,
 * so a config saved here is byte-identical to one saved by transformers:
 * keys sorted (integer keys of id2label numerically, as Python sorts them
 * before turning them into strings), non-ASCII escaped (`ensure_ascii`), and
 * floats in Python's repr (`1e-05`, `0.0`) where the field is a float.
 */
import { pythonFloatRepr as sharedPythonFloatRepr } from '../../../tools/python-format/index.js';

/** Marks a number that Python holds as a float (written `0.0`, `1e-05`). */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** Marks an object whose keys are Python ints (sorted numerically, written as strings). */
export class PyIntKeyDict {
  constructor(readonly entries: ReadonlyArray<readonly [number, unknown]>) {}
}

/** Python's `repr(float)` as `json.dumps` writes it (`NaN`, `Infinity` for non-finite values). */
export function pythonFloatRepr(value: number): string {
  return sharedPythonFloatRepr(value, 'json');
}

function encodeString(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === '"') out += '\\"';
    else if (char === '\\') out += '\\\\';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (char === '\b') out += '\\b';
    else if (char === '\f') out += '\\f';
    else if (code < 0x20 || code > 0x7e) {
      // ensure_ascii: BMP characters as one escape, astral ones as a surrogate pair.
      for (let i = 0; i < char.length; i++) out += `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`;
    } else out += char;
  }
  return `${out}"`;
}

function encode(value: unknown, indent: string): string {
  const inner = `${indent}  `;
  if (value instanceof PyFloat) return pythonFloatRepr(value.value);
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    return Number.isInteger(value) ? String(value) : pythonFloatRepr(value);
  }
  if (typeof value === 'string') return encodeString(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => inner + encode(item, inner)).join(',\n')}\n${indent}]`;
  }
  let entries: [string, unknown][];
  if (value instanceof PyIntKeyDict) {
    entries = [...value.entries].sort((a, b) => a[0] - b[0]).map(([key, item]) => [String(key), item]);
  } else {
    entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([key, item]) => `${inner}${encodeString(key)}: ${encode(item, inner)}`).join(',\n')}\n${indent}}`;
}

/** The text Python's `PretrainedConfig.to_json_string()` produces (with the trailing newline). */
export function pythonJsonDumps(value: unknown): string {
  return `${encode(value, '')}\n`;
}
