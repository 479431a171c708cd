// Python's float formatting for the text report: `{:.Nf}` rounds the exact binary
// value half to even where `Number#toFixed` rounds exact ties up, and `str(float)`
// writes `3.0` and `1e-07` where JavaScript writes `3` and `1e-7`.

/** Number of Unicode code points, which is what Python's `len(str)` counts. */
export function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** Right-aligns `text` to `width` code points, as Python's `{:>width}` does. */
export function alignRight(text: string, width: number): string {
  const length = codePointLength(text);
  return length >= width ? text : ' '.repeat(width - length) + text;
}

/** `format(value, '.{digits}f')` as Python prints floats (`nan`, `inf`, ties to even). */
export function formatFixed(value: number, digits: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Number.POSITIVE_INFINITY) return 'inf';
  if (value === Number.NEGATIVE_INFINITY) return '-inf';
  if (Math.abs(value) >= 1e21 || digits > 70) return value.toFixed(Math.min(digits, 100));
  const rounded = value.toFixed(digits);
  // An exact tie has a finite expansion ending in 5 right after the kept digits;
  // 30 more digits show that exactly for the magnitudes scores have.
  const longer = value.toFixed(digits + 30);
  const cut = longer.length - 30;
  if (longer[cut] !== '5' || !/^0+$/.test(longer.slice(cut + 1))) return rounded;
  const truncated = longer.slice(0, cut);
  const lastKept = truncated.replace(/[-.]/g, '').slice(-1);
  if (Number(lastKept) % 2 === 0) return truncated.endsWith('.') ? truncated.slice(0, -1) : truncated;
  return rounded;
}

/** Python's `str(float)`: shortest round-trip digits, `.0` on integers, exponent below 1e-4 and from 1e16. */
export function formatPythonFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const text = String(value);
  return Number.isInteger(value) ? `${text}.0` : text;
}
