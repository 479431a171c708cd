// Python's str.format for the report: `{:.Nf}` rounds the exact binary value
// half-to-even, `Number#toFixed` rounds exact ties up; the rest is padding.

import { codePointLength } from './python-text.js';

/** `format(value, '.{digits}f')` as Python prints floats (`nan`, `inf`, ties to even). */
export function formatFixed(value: number, digits: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Number.POSITIVE_INFINITY) return 'inf';
  if (value === Number.NEGATIVE_INFINITY) return '-inf';
  if (Math.abs(value) >= 1e21 || digits > 70) return value.toFixed(Math.min(digits, 100));
  const rounded = value.toFixed(digits);
  // An exact tie has a finite expansion ending in 5 right after the kept digits;
  // 30 extra digits show it exactly for the magnitudes scores have.
  const longer = value.toFixed(digits + 30);
  const cut = longer.length - 30;
  if (longer[cut] !== '5' || !/^0+$/.test(longer.slice(cut + 1))) return rounded;
  const truncated = longer.slice(0, cut);
  const lastKept = truncated.replace(/[-.]/g, '').slice(-1);
  if (Number(lastKept) % 2 === 0) {
    // Round half to even: keep the truncated digits (drop a trailing '.').
    return truncated.endsWith('.') ? truncated.slice(0, -1) : truncated;
  }
  return rounded;
}

/** Right-aligns `text` to `width` code points, as Python's `{:>width}` does. */
export function alignRight(text: string, width: number): string {
  const length = codePointLength(text);
  return length >= width ? text : ' '.repeat(width - length) + text;
}
