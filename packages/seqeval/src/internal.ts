// Helpers `@ner/evaluate` shares with this package (Python's float formatting,
// numpy's summation order, scikit-learn's zero-division rules, warnings): one
// copy of each. Not part of the public API; it may change in any release.
export { type AccumulatedBatch, AccumulatingMetric } from './accumulating-metric.js';
export { pairwiseSum } from './numpy-math.js';
export { type DivisionSettings, type PerClassScores, scoresFromDivision } from './prf-divide.js';
export { PythonTypedError } from './python-error.js';
export { alignRight, formatFixed } from './python-format.js';
export { codePointLength, compareCodePoints } from './python-text.js';
export { oncePerProcessPrinter, WarningSink } from './warnings.js';
