// Every case of test/fixtures/sklearn-cases.json (written by
// scripts/make-sklearn-fixture.py with Debian's scikit-learn) must give the
// same values, the same error class and the same warnings (with TypeScript
// option names). Values are bit-identical (numpy's pairwise summation is
// reproduced), except the unnormalized weighted accuracy: numpy takes it from a
// BLAS dot product whose summation order depends on the CPU, so it gets 1e-12.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  accuracyScore,
  classificationReport,
  confusionMatrix,
  EvaluateError,
  type EvaluateWarning,
  f1Score,
  fbetaScore,
  type LabelArray,
  precisionRecallFscoreSupport,
  precisionScore,
  recallScore,
} from '../src/index.js';

interface Call {
  fn: string;
  options: Record<string, unknown>;
  result?: unknown;
  error?: string;
  message?: string;
  warnings: EvaluateWarning[];
}
interface Case {
  name: string;
  yTrue: LabelArray;
  yPred: LabelArray;
  calls: Call[];
}

const fixturePath = fileURLToPath(new URL('./fixtures/sklearn-cases.json', import.meta.url));
const fixture = JSON.parse(readFileSync(fixturePath, 'utf8')) as { sklearn: string; cases: Case[] };

// biome-ignore lint/suspicious/noExplicitAny: the fixture's options are passed through untyped.
type AnyFn = (yTrue: LabelArray, yPred: LabelArray, options: any) => unknown;
const FUNCTIONS: Record<string, AnyFn> = {
  accuracyScore,
  precisionRecallFscoreSupport: (t, p, o) => {
    const r = precisionRecallFscoreSupport(t, p, o);
    return [r.precision, r.recall, r.fScore, r.support];
  },
  precisionScore,
  recallScore,
  f1Score,
  fbetaScore,
  confusionMatrix,
  classificationReport,
};

/** scikit-learn's warning text with this package's option names. */
function typeScriptText(message: string): string {
  return message
    .replace('`zero_division` parameter', '`zeroDivision` option')
    .replace('labels=[pos_label]', 'labels: [posLabel]')
    .replace(/pos_label/g, 'posLabel')
    .replace('target_names', 'targetNames')
    .replace('(got None)', '(got null)');
}

function decode(value: unknown): unknown {
  if (value === 'nan') return Number.NaN;
  if (value === 'inf') return Number.POSITIVE_INFINITY;
  if (value === '-inf') return Number.NEGATIVE_INFINITY;
  if (Array.isArray(value)) return value.map(decode);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
  }
  return value;
}

/** Compares numbers to `tolerance` (relative above 1), everything else exactly; returns the first difference. */
function difference(actual: unknown, expected: unknown, path: string, tolerance: number): string | null {
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') return `${path}: expected ${expected}, got ${String(actual)}`;
    if (Number.isNaN(expected)) return Number.isNaN(actual) ? null : `${path}: expected NaN, got ${actual}`;
    return Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)) || actual === expected
      ? null
      : `${path}: expected ${expected}, got ${actual}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      return `${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
    }
    for (let i = 0; i < expected.length; i++) {
      const d = difference(actual[i], expected[i], `${path}[${i}]`, tolerance);
      if (d) return d;
    }
    return null;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object')
      return `${path}: expected an object, got ${String(actual)}`;
    const keys = Object.keys(expected).sort();
    const actualKeys = Object.keys(actual).sort();
    if (JSON.stringify(keys) !== JSON.stringify(actualKeys)) {
      return `${path}: keys ${JSON.stringify(actualKeys)}, expected ${JSON.stringify(keys)}`;
    }
    for (const k of keys) {
      const d = difference(
        (actual as Record<string, unknown>)[k],
        (expected as Record<string, unknown>)[k],
        `${path}.${k}`,
        tolerance,
      );
      if (d) return d;
    }
    return null;
  }
  return actual === expected
    ? null
    : `${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

describe(`scikit-learn ${fixture.sklearn} cases`, () => {
  it('has the generated cases', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(40);
  });

  for (const testCase of fixture.cases) {
    it(testCase.name, () => {
      const failures: string[] = [];
      for (const call of testCase.calls) {
        const where = `${call.fn}(${JSON.stringify(call.options)})`;
        const warnings: EvaluateWarning[] = [];
        let actual: unknown;
        let thrown: unknown;
        try {
          // confusion_matrix never warns, and takes no onWarning (an unknown option is refused).
          const onWarning =
            call.fn === 'confusionMatrix' ? {} : { onWarning: (w: EvaluateWarning) => warnings.push(w) };
          actual = FUNCTIONS[call.fn]!(testCase.yTrue, testCase.yPred, {
            ...(decode(call.options) as object),
            ...onWarning,
          });
        } catch (error) {
          thrown = error;
        }
        if (call.error !== undefined) {
          if (!(thrown instanceof EvaluateError) || thrown.pythonType !== call.error) {
            failures.push(
              `${where}: expected ${call.error} (${call.message}), got ${String(thrown ?? actual)}`,
            );
          }
        } else if (thrown !== undefined) {
          failures.push(`${where}: threw ${String(thrown)}`);
        } else {
          const viaBlasDot =
            call.fn === 'accuracyScore' && call.options.normalize === false && 'sampleWeight' in call.options;
          const d = difference(actual, decode(call.result), where, viaBlasDot ? 1e-12 : 0);
          if (d) failures.push(d);
        }
        const expectedWarnings = call.warnings.map((w) => ({
          category: w.category,
          message: typeScriptText(w.message),
        }));
        const actualWarnings = warnings.filter((w) => w.category !== 'RuntimeWarning');
        if (JSON.stringify(actualWarnings) !== JSON.stringify(expectedWarnings)) {
          failures.push(
            `${where}: warnings ${JSON.stringify(actualWarnings)}, expected ${JSON.stringify(expectedWarnings)}`,
          );
        }
      }
      expect(failures).toEqual([]);
    });
  }
});
