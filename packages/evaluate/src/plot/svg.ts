// Small helpers shared by the SVG charts: escaping, number text, the font and
// matplotlib's colours, so a chart looks like its Python counterpart.

import { EvaluateValueError } from '../errors.js';

/** Escapes text for SVG element content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A coordinate for an attribute: at most 2 decimals, no `-0`. */
export function coord(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return String(rounded === 0 ? 0 : rounded);
}

/** The font stack of every text element (matplotlib's default first). */
export const FONT = 'font-family="DejaVu Sans, Arial, Helvetica, sans-serif"';

/** matplotlib's default colour cycle (`tab10`), for the lines of a chart. */
export const TAB10 = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
] as const;

/** matplotlib's "Blues" colormap anchors (ColorBrewer Blues, 9 classes), light to dark. */
export const BLUES = [
  '#f7fbff',
  '#deebf7',
  '#c6dbef',
  '#9ecae1',
  '#6baed6',
  '#4292c6',
  '#2171b5',
  '#08519c',
  '#08306b',
] as const;

function hexToRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** The Blues colour of `t` in [0, 1] (clamped), interpolated between the anchors as matplotlib does, as `#rrggbb`. */
export function bluesColor(t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (BLUES.length - 1);
  const i = Math.min(Math.floor(x), BLUES.length - 2);
  const f = x - i;
  const a = hexToRgb(BLUES[i]!);
  const b = hexToRgb(BLUES[i + 1]!);
  const channel = (k: number) =>
    Math.round(a[k]! + (b[k]! - a[k]!) * f)
      .toString(16)
      .padStart(2, '0');
  return `#${channel(0)}${channel(1)}${channel(2)}`;
}

/** Throws unless `value` is a positive integer no larger than `max` (sizes given by callers). */
export function checkSize(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new EvaluateValueError(`${name} must be an integer in [1, ${max}]; got ${String(value)}`);
  }
}

/**
 * About `count` round tick values covering [min, max] (1, 2, 2.5 or 5 times a
 * power of ten apart), as matplotlib's default locator picks them.
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const ticks: number[] = [];
  const first = Math.ceil(min / step - 1e-9);
  for (let k = first; k * step <= max + step * 1e-9; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/** Tick text: integers as such, others with the digits the step needs. */
export function tickText(value: number, step: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const decimals = Math.min(10, Math.max(0, -Math.floor(Math.log10(step)) + 1));
  return Number(value.toFixed(decimals)).toString();
}

/** The ticks of an axis from `min` to `max` ({@link niceTicks}), each with its text ({@link tickText}). */
export function axisTicks(min: number, max: number, count = 5): { value: number; label: string }[] {
  const ticks = niceTicks(min, max, count);
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : 1;
  return ticks.map((value) => ({ value, label: tickText(value, step) }));
}
