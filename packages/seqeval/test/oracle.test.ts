// Every case and every recorded result of the Python oracle (seqeval 1.2.2 and
// evaluate's seqeval metric): values to 1e-9, error classes, warnings.
import { readFileSync } from 'node:fs';
import { sharedPath } from '@ner/test-support';
import { describe, expect, it } from 'vitest';
import {
  accuracyScore,
  autoDetect,
  classificationReport,
  computeSeqeval,
  Entities,
  f1Score,
  getEntities,
  performanceMeasure,
  precisionRecallFscoreSupport,
  precisionScore,
  recallScore,
  SCHEME_NAMES,
  type SchemeName,
  type ScoreOptions,
  SeqevalError,
  type SeqevalWarning,
  type ZeroDivision,
} from '../src/index.js';

type Recorded = { value?: unknown; error?: { type: string; message: string }; warnings?: string[] };
type Results = Record<string, Recorded | Record<string, Recorded>>;
interface OracleCase {
  id: string;
  y_true: string[][];
  y_pred: string[][];
  suffix: boolean;
  zero_division: ZeroDivision;
  sample_weight: number[] | null;
  results: { default: Results; strict: Record<string, Results> };
}
interface Oracle {
  schemes: string[];
  averages: string[];
  cases: OracleCase[];
}

const oracle: Oracle = JSON.parse(readFileSync(sharedPath('oracle', 'seqeval', 'cases.json'), 'utf8'));

function isRecorded(node: unknown): node is Recorded {
  return typeof node === 'object' && node !== null && ('value' in node || 'error' in node);
}

/** Number of results the oracle file holds (each `{value}` / `{error}` object). */
function countRecorded(node: unknown): number {
  if (isRecorded(node)) return 1;
  if (typeof node !== 'object' || node === null) return 0;
  let total = 0;
  for (const child of Object.values(node)) total += countRecorded(child);
  return total;
}

/** Deep comparison: numbers to 1e-9 ("NaN" strings for NaN), arrays, objects with key order. */
function sameValue(expected: unknown, actual: unknown, path: string, problems: string[]): void {
  if (expected === 'NaN' || expected === 'Infinity' || expected === '-Infinity') {
    const wanted = expected === 'NaN' ? Number.NaN : expected === 'Infinity' ? Infinity : -Infinity;
    if (typeof actual !== 'number' || !Object.is(Number.isNaN(wanted), Number.isNaN(actual))) {
      problems.push(`${path}: expected ${expected}, got ${String(actual)}`);
    } else if (!Number.isNaN(wanted) && actual !== wanted) {
      problems.push(`${path}: expected ${expected}, got ${actual}`);
    }
    return;
  }
  if (typeof expected === 'number') {
    if (typeof actual !== 'number' || !(Math.abs(expected - actual) <= 1e-9)) {
      problems.push(`${path}: expected ${expected}, got ${JSON.stringify(actual)}`);
    }
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      problems.push(`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
      return;
    }
    expected.forEach((item, i) => {
      sameValue(item, actual[i], `${path}[${i}]`, problems);
    });
    return;
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) {
      problems.push(`${path}: expected an object, got ${JSON.stringify(actual)}`);
      return;
    }
    const expectedKeys = Object.keys(expected);
    const actualKeys = Object.keys(actual);
    if (expectedKeys.join('|') !== actualKeys.join('|')) {
      problems.push(`${path}: keys ${JSON.stringify(expectedKeys)} vs ${JSON.stringify(actualKeys)}`);
      return;
    }
    for (const key of expectedKeys) {
      sameValue(
        (expected as Record<string, unknown>)[key],
        (actual as Record<string, unknown>)[key],
        `${path}.${key}`,
        problems,
      );
    }
    return;
  }
  if (expected !== actual)
    problems.push(`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/** Python's messages may hold set reprs in hash order: compare those as sets of prefixes. */
function sameMessage(expected: string, actual: string): boolean {
  if (expected.includes('{<Prefix.')) {
    const letters = (text: string) =>
      [...text.matchAll(/<Prefix\.(\w+):/g)]
        .map((m) => m[1])
        .sort()
        .join('');
    return actual.includes('This scheme is not supported: {') && letters(expected) === letters(actual);
  }
  return actual.includes(expected);
}

let compared = 0;

/** Runs one call with a warning collector and checks it against a recorded result. */
function check(
  recorded: Recorded | undefined,
  path: string,
  call: (onWarning: (w: SeqevalWarning) => void) => unknown,
  problems: string[],
): void {
  if (recorded === undefined) {
    problems.push(`${path}: missing in oracle`);
    return;
  }
  compared++;
  const warnings: string[] = [];
  const onWarning = (w: SeqevalWarning) => warnings.push(`${w.category}: ${w.message}`);
  let value: unknown;
  let error: unknown;
  try {
    value = call(onWarning);
  } catch (caught) {
    error = caught;
  }
  if (recorded.error) {
    if (!(error instanceof SeqevalError)) {
      problems.push(
        `${path}: expected ${recorded.error.type}, got ${error ? String(error) : JSON.stringify(value)}`,
      );
    } else if (
      error.pythonType !== recorded.error.type ||
      !sameMessage(recorded.error.message, error.message)
    ) {
      problems.push(
        `${path}: expected ${recorded.error.type}(${recorded.error.message}), got ${error.pythonType}(${error.message})`,
      );
    }
  } else if (error !== undefined) {
    problems.push(`${path}: unexpected error ${String(error)}`);
  } else {
    sameValue(recorded.value, value, path, problems);
  }
  // Python's warning names its keyword argument; ours names the TypeScript option.
  const expectedWarnings = (recorded.warnings ?? []).map((w) =>
    w.replace('`zero_division` parameter', '`zeroDivision` option'),
  );
  if (expectedWarnings.join('\n') !== warnings.join('\n')) {
    problems.push(`${path}: warnings ${JSON.stringify(expectedWarnings)} vs ${JSON.stringify(warnings)}`);
  }
}

const AVERAGE_OPTION = { micro: 'micro', macro: 'macro', weighted: 'weighted', none: null } as const;
const SCORE_FUNCTIONS = { precision: precisionScore, recall: recallScore, f1: f1Score } as const;

function prfsTuple(result: {
  precision: unknown;
  recall: unknown;
  fScore: unknown;
  support: unknown;
}): unknown[] {
  return [result.precision, result.recall, result.fScore, result.support];
}

/**
 * Checks one section's classification report and its precision / recall / F1 under every average:
 * the same calls in default, strict and auto mode, only the options and the section differ.
 */
function checkReportAndScores(
  section: Record<string, Recorded> & Record<string, Record<string, Recorded>>,
  label: string,
  options: ScoreOptions,
  c: OracleCase,
  problems: string[],
): void {
  const [yTrue, yPred] = [c.y_true, c.y_pred];
  const at = (part: string) => `${c.id}.${label}.${part}`;
  check(
    section.classification_report,
    at('classification_report'),
    (onWarning) => classificationReport(yTrue, yPred, { ...options, outputDict: true, onWarning }),
    problems,
  );
  for (const [metric, score] of Object.entries(SCORE_FUNCTIONS)) {
    for (const [name, average] of Object.entries(AVERAGE_OPTION)) {
      check(
        section[metric]?.[name],
        at(`${metric}.${name}`),
        (onWarning) => score(yTrue, yPred, { ...options, average, onWarning }),
        problems,
      );
    }
  }
}

function checkCase(c: OracleCase, problems: string[]): void {
  const yTrue = c.y_true;
  const yPred = c.y_pred;
  const base = { suffix: c.suffix, zeroDivision: c.zero_division, sampleWeight: c.sample_weight };
  const at = (part: string) => `${c.id}.${part}`;

  // Default (conlleval-compatible) mode.
  const d = c.results.default as Record<string, Recorded> & Record<string, Record<string, Recorded>>;
  check(
    d.get_entities_true,
    at('default.get_entities_true'),
    (onWarning) => getEntities(yTrue, { suffix: c.suffix, onWarning }),
    problems,
  );
  check(
    d.get_entities_pred,
    at('default.get_entities_pred'),
    (onWarning) => getEntities(yPred, { suffix: c.suffix, onWarning }),
    problems,
  );
  checkReportAndScores(d, 'default', base, c, problems);
  check(
    d.prfs_none as Recorded,
    at('default.prfs_none'),
    (onWarning) =>
      prfsTuple(precisionRecallFscoreSupport(yTrue, yPred, { ...base, average: null, onWarning })),
    problems,
  );
  check(d.accuracy as Recorded, at('default.accuracy'), () => accuracyScore(yTrue, yPred), problems);
  check(
    d.performance_measure as Recorded,
    at('default.performance_measure'),
    () => performanceMeasure(yTrue, yPred),
    problems,
  );
  check(
    d.evaluate as Recorded,
    at('default.evaluate'),
    (onWarning) => computeSeqeval(yPred, yTrue, { ...base, onWarning }),
    problems,
  );

  // Strict mode, one scheme at a time.
  for (const scheme of SCHEME_NAMES as readonly SchemeName[]) {
    const s = c.results.strict[scheme] as Record<string, Recorded> & Record<string, Record<string, Recorded>>;
    const strict = { ...base, mode: 'strict' as const, scheme };
    check(
      s.entities_true,
      at(`${scheme}.entities_true`),
      () => new Entities(yTrue, scheme, { suffix: c.suffix }).entities,
      problems,
    );
    check(
      s.entities_pred,
      at(`${scheme}.entities_pred`),
      () => new Entities(yPred, scheme, { suffix: c.suffix }).entities,
      problems,
    );
    checkReportAndScores(s, scheme, strict, c, problems);
    check(
      s.prfs_none as Recorded,
      at(`${scheme}.prfs_none`),
      (onWarning) =>
        prfsTuple(precisionRecallFscoreSupport(yTrue, yPred, { ...strict, average: null, onWarning })),
      problems,
    );
    check(
      s.evaluate as Recorded,
      at(`${scheme}.evaluate`),
      (onWarning) => computeSeqeval(yPred, yTrue, { ...strict, onWarning }),
      problems,
    );
  }

  // Strict mode without a scheme: auto-detection (scores fall back to default mode).
  const a = c.results.strict.auto as Record<string, Recorded> & Record<string, Record<string, Recorded>>;
  const auto = { ...base, mode: 'strict' as const };
  check(
    a.auto_detect_true,
    at('auto.auto_detect_true'),
    () => autoDetect(yTrue, { suffix: c.suffix }),
    problems,
  );
  checkReportAndScores(a, 'auto', auto, c, problems);
  check(
    a.evaluate as Recorded,
    at('auto.evaluate'),
    (onWarning) => computeSeqeval(yPred, yTrue, { ...auto, onWarning }),
    problems,
  );
}

describe('Python oracle: seqeval 1.2.2 + evaluate seqeval metric', () => {
  it('covers the schemes and averages the oracle was generated with', () => {
    expect(oracle.schemes).toEqual([...SCHEME_NAMES]);
    expect(oracle.averages).toEqual(Object.keys(AVERAGE_OPTION));
    expect(oracle.cases.length).toBeGreaterThan(200);
  });

  it('matches every recorded result of every case (values to 1e-9, errors, warnings)', () => {
    const problems: string[] = [];
    compared = 0;
    for (const c of oracle.cases) checkCase(c, problems);
    const recorded = oracle.cases.reduce((total, c) => total + countRecorded(c.results), 0);
    console.log(`seqeval oracle: ${compared} results compared over ${oracle.cases.length} cases`);
    expect(problems.slice(0, 40)).toEqual([]);
    expect(problems.length).toBe(0);
    expect(compared).toBe(recorded);
  });
});
