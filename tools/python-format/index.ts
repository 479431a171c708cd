/**
 * Python's `repr(float)` (= `str(float)`), which several @ner files must write byte for byte as
 * Python does: config.json (models), model cards (hub, trainer), scikit-learn's report (evaluate).
 * Each package imports this file at build time and tsup bundles it into its dist/, so the
 * published packages stand alone (as with tools/kernel-contract).
 */

/** How a non-finite value is spelled: Python's `repr` (`nan`, `inf`) or `json.dumps` (`NaN`, `Infinity`). */
export type NonFiniteStyle = 'repr' | 'json';

/**
 * Python's `repr(float)`: the shortest digits that round-trip, always with a `.` or an exponent
 * (`3.0`, `0.5`, `1e-05`, `1e+16`), exponent form below 1e-4 and from 1e16.
 */
export function pythonFloatRepr(value: number, nonFinite: NonFiniteStyle = 'repr'): string {
  if (Number.isNaN(value)) return nonFinite === 'json' ? 'NaN' : 'nan';
  if (!Number.isFinite(value)) {
    const sign = value > 0 ? '' : '-';
    return `${sign}${nonFinite === 'json' ? 'Infinity' : 'inf'}`;
  }
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  // Between 1e-4 and 1e16 JavaScript's shortest digits print without an exponent, as Python's do.
  const fixed = String(value);
  return fixed.includes('.') ? fixed : `${fixed}.0`;
}
