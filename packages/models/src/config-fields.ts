/**
 * The model-specific fields of config.json (BertConfig's `hidden_size`,
 * DistilBertConfig's `dim`...): one table per config says each field's JSON
 * name, camelCase property, type and range, and the shared code reads, checks
 * and writes them from it.
 */
import { CONFIG_LIMITS, checkFloatRange, checkIntegerRange, checkProbability } from './config-limits.js';
import { describeValue } from './describe-value.js';
import { ConfigError } from './errors.js';
import { activation } from './nn.js';

/** How a model-specific field is typed in config.json. */
export type FieldKind = 'int' | 'float' | 'string' | 'bool' | 'float-or-null';

/**
 * What `validate` checks beyond the type: a size (an integer in `[1, CONFIG_LIMITS[size]]`), a
 * dropout probability in `[0, 1)`, a float range, or an activation name `nn.activation` knows.
 */
export type FieldCheck =
  | { readonly size: Exclude<keyof typeof CONFIG_LIMITS, 'maxParameters' | 'maxLabels'> }
  | 'probability'
  | { readonly min: number; readonly max: number; readonly exclusiveMin?: boolean }
  | 'activation';

/** A model-specific config.json field: its JSON name, camelCase name, type and range. */
export interface FieldSpec {
  readonly json: string;
  readonly prop: string;
  readonly kind: FieldKind;
  readonly check?: FieldCheck;
}

/** Reads an integer field (`num_labels`, `pad_token_id`...), naming the file and key when it is not one. */
export function readInteger(source: string, key: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ConfigError(`${source}: "${key}" must be an integer, got ${describeValue(value)}.`);
  }
  return value;
}

/** What each kind must be in JSON, for the error message. */
const KIND_WORDS: Readonly<Record<Exclude<FieldKind, 'int'>, string>> = {
  float: 'a number',
  'float-or-null': 'a number or null',
  string: 'a string',
  bool: 'true or false',
};

function hasKind(kind: Exclude<FieldKind, 'int'>, raw: unknown): boolean {
  if (kind === 'float-or-null') return raw === null || typeof raw === 'number';
  return typeof raw === (kind === 'float' ? 'number' : kind === 'bool' ? 'boolean' : 'string');
}

/** Reads one model-specific field from a config.json object, checking its type. */
export function readField(source: string, spec: FieldSpec, raw: unknown): number | string | boolean | null {
  if (spec.kind === 'int') return readInteger(source, spec.json, raw);
  if (!hasKind(spec.kind, raw)) {
    throw new ConfigError(
      `${source}: "${spec.json}" must be ${KIND_WORDS[spec.kind]}, got ${describeValue(raw)}.`,
    );
  }
  return raw as number | string | boolean | null;
}

/**
 * Checks a field's value against its spec's `check` (null passes for `float-or-null`).
 * @throws ConfigError naming `source`, the field, the value and what was expected.
 */
export function checkField(source: string, spec: FieldSpec, value: unknown): void {
  const check = spec.check;
  if (check === undefined || value === null) return;
  if (check === 'probability') {
    checkProbability(source, spec.json, value as number);
  } else if (check === 'activation') {
    try {
      activation(value as string);
    } catch (error) {
      throw new ConfigError(`${source}: "${spec.json}": ${(error as Error).message}`);
    }
  } else if ('size' in check) {
    checkIntegerRange(source, spec.json, value as number, 1, CONFIG_LIMITS[check.size]);
  } else {
    checkFloatRange(source, spec.json, value as number, check.min, check.max, check.exclusiveMin);
  }
}
