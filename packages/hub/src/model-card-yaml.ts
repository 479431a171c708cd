/**
 * The two pieces of Python formatting a model card needs to read the same as transformers': `repr` of a
 * float (`2e-05`, `3.0`) and PyYAML's block output with `sort_keys=False` (sequences under a key are not
 * indented, mappings are indented by two, strings quoted only when plain style would misread them).
 */
import { pythonFloatRepr } from '../../../tools/python-format/index.js';

/** A value the card's YAML block can hold. */
export type YamlValue =
  | string
  | number
  | boolean
  | null
  | readonly YamlValue[]
  | { readonly [key: string]: YamlValue };

/** Python's `repr(float)` (`2e-05`, `3.0`): tools/python-format's, shared with models, evaluate and trainer. */
export function pythonFloat(value: number): string {
  return pythonFloatRepr(value);
}

/** How a number prints in the card: integers as integers, other numbers as Python floats. */
export function pythonNumber(value: number): string {
  return Number.isInteger(value) && Math.abs(value) < 1e16 ? String(value) : pythonFloat(value);
}

/** Words YAML 1.1 reads as booleans or null, which PyYAML therefore quotes. */
const YAML_KEYWORDS =
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/;
/** Strings PyYAML's YAML 1.1 resolver would read as a float, an integer or a date. */
const YAML_FLOAT =
  /^[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?$|^\.[0-9_]+(?:[eE][-+][0-9]+)?$|^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$/;
const YAML_INT =
  /^[-+]?0b[0-1_]+$|^[-+]?0[0-7_]+$|^[-+]?(?:0|[1-9][0-9_]*)$|^[-+]?0x[0-9a-fA-F_]+$|^[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+$/;
const YAML_DATE = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/;

/** A string scalar as PyYAML writes it: plain when safe, else single-quoted (`'` doubled). */
function yamlString(text: string): string {
  const plainUnsafe =
    text === '' ||
    YAML_KEYWORDS.test(text) ||
    YAML_FLOAT.test(text) ||
    YAML_INT.test(text) ||
    YAML_DATE.test(text) ||
    /^[\s#,[\]{}&*!|>'"%@`]|^[-?:](?:\s|$)/.test(text) ||
    /\s$/.test(text) ||
    /: |:$| #/.test(text) ||
    /[\n\r\t]/.test(text);
  if (!plainUnsafe) return text;
  // Control characters need double quotes in PyYAML; a card's strings normally have none.
  if (/[\n\r\t]/.test(text)) return JSON.stringify(text);
  return `'${text.replace(/'/g, "''")}'`;
}

/** PyYAML's float form: `repr`, with `.0` before a bare exponent (`2.0e-05`) and `.inf` / `.nan`. */
function yamlNumber(value: number): string {
  if (Number.isNaN(value)) return '.nan';
  if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
  const text = pythonNumber(value);
  return text.includes('e') && !text.includes('.') ? text.replace('e', '.0e') : text;
}

function scalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return yamlNumber(value);
  return yamlString(value);
}

function isMapping(value: YamlValue): value is { readonly [key: string]: YamlValue } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Lines of `value` at `indent`, as PyYAML's block style writes them. */
function emit(value: YamlValue, indent: string, out: string[]): void {
  if (isMapping(value)) {
    for (const [key, item] of Object.entries(value)) {
      const name = yamlString(key);
      if (Array.isArray(item) && item.length > 0) {
        out.push(`${indent}${name}:`);
        emit(item, indent, out);
      } else if (isMapping(item) && Object.keys(item).length > 0) {
        out.push(`${indent}${name}:`);
        emit(item, `${indent}  `, out);
      } else out.push(`${indent}${name}: ${inline(item)}`);
    }
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value as readonly YamlValue[]) {
      if (isMapping(item) && Object.keys(item).length > 0) {
        // The first key shares the dash's line; the others align under it.
        const lines: string[] = [];
        emit(item, `${indent}  `, lines);
        out.push(`${indent}- ${(lines[0] as string).slice(indent.length + 2)}`, ...lines.slice(1));
      } else if (Array.isArray(item) && item.length > 0) {
        const lines: string[] = [];
        emit(item, `${indent}  `, lines);
        out.push(`${indent}- ${(lines[0] as string).slice(indent.length + 2)}`, ...lines.slice(1));
      } else out.push(`${indent}- ${inline(item)}`);
    }
  }
}

function inline(value: YamlValue): string {
  if (Array.isArray(value)) return '[]';
  if (isMapping(value)) return '{}';
  return scalar(value as string | number | boolean | null);
}

/** `yaml.dump(value, sort_keys=False)` for the shapes a model card uses (no line folding of long strings). */
export function dumpYaml(value: { readonly [key: string]: YamlValue }): string {
  const out: string[] = [];
  emit(value, '', out);
  return out.length === 0 ? '{}\n' : `${out.join('\n')}\n`;
}
