// Loss and metric curves over training steps as a standalone SVG line chart,
// like matplotlib's plt.plot(steps, values) with a legend: one line per series,
// round ticks on both axes, gaps where a value is missing or not finite.

import { EvaluateValueError } from '../errors.js';
import { axisTicks, checkSize, coord, escapeXml, FONT, TAB10 } from './svg.js';
import { checkOptionNames } from '../option-names.js';

/** Most series one chart takes (checked before drawing). */
export const MAX_CURVE_SERIES = 20;
/** Most points, all series together, one chart takes (checked before drawing). */
export const MAX_CURVE_POINTS = 200_000;

/** One line of the chart: points as `{ x, y }` or `[x, y]`. */
export interface CurveSeries {
  name: string;
  points: readonly ({ x: number; y: number } | readonly [number, number])[];
  /** Line colour (default: matplotlib's colour cycle). */
  color?: string;
}

/** Options of {@link trainingCurveSvg}. */
export interface TrainingCurveSvgOptions {
  /** Title above the chart (default `'Training curves'`). */
  title?: string;
  /** Axis titles (default `'step'` and none). */
  xLabel?: string;
  yLabel?: string;
  /** Size of the whole image in pixels (default 720 × 420). */
  width?: number;
  height?: number;
  /** Fixed y range (default: the data's range, padded by 5%). */
  yRange?: readonly [number, number];
  /** Dots on the points (default: when no series has more than 60 points). */
  markers?: boolean;
}

function pointOf(p: { x: number; y: number } | readonly [number, number]): [number, number] {
  return Array.isArray(p)
    ? [p[0] as number, p[1] as number]
    : [(p as { x: number }).x, (p as { y: number }).y];
}

function paddedRange(values: number[], pad: number): [number, number] {
  if (values.length === 0) return [0, 1];
  // A loop, not Math.min(...values): spreading 200,000 arguments overflows the stack.
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === max) {
    const half = Math.abs(min) > 0 ? Math.abs(min) / 2 : 0.5;
    return [min - half, max + half];
  }
  const margin = (max - min) * pad;
  min -= margin;
  max += margin;
  return [min, max];
}

/**
 * Draws each series as a line against its x values (steps or epochs).
 *
 * @example
 * import { logHistorySeries, trainingCurveSvg } from '@ner/evaluate/plot';
 * const state = JSON.parse(readFileSync('out/checkpoint-500/trainer_state.json', 'utf8'));
 * writeFileSync('loss.svg', trainingCurveSvg(logHistorySeries(state.log_history, ['loss', 'eval_loss'])));
 */
export function trainingCurveSvg(
  series: readonly CurveSeries[],
  options: TrainingCurveSvgOptions = {},
): string {
  checkOptionNames(options, 'trainingCurveSvg');
  if (!Array.isArray(series)) throw new EvaluateValueError('trainingCurveSvg: series must be an array');
  checkSize('trainingCurveSvg: the number of series', series.length, MAX_CURVE_SERIES);
  let total = 0;
  for (const s of series) {
    if (!s || !Array.isArray(s.points)) {
      throw new EvaluateValueError(`trainingCurveSvg: series ${JSON.stringify(s?.name)} has no points array`);
    }
    total += s.points.length;
  }
  if (total > MAX_CURVE_POINTS) {
    throw new EvaluateValueError(`trainingCurveSvg: ${total} points, above the limit of ${MAX_CURVE_POINTS}`);
  }
  const width = options.width ?? 720;
  const height = options.height ?? 420;
  checkSize('width', width, 10_000);
  checkSize('height', height, 10_000);
  // Gaps: a point dropped for a non-finite value splits the line there.
  const segments = series.map((s) => {
    const parts: [number, number][][] = [[]];
    for (const p of s.points.map(pointOf)) {
      if (Number.isFinite(p[0]) && Number.isFinite(p[1])) parts[parts.length - 1]!.push(p);
      else if (parts[parts.length - 1]!.length > 0) parts.push([]);
    }
    return parts.filter((part) => part.length > 0);
  });
  const lines = segments.map((parts) => parts.flat());
  const xs = lines.flat().map((p) => p[0]);
  const ys = lines.flat().map((p) => p[1]);
  const [xMin, xMax] = xs.length ? paddedRange(xs, 0.02) : [0, 1];
  const [yMin, yMax] = options.yRange ?? paddedRange(ys, 0.05);
  if (!(Number.isFinite(yMin) && Number.isFinite(yMax) && yMax > yMin)) {
    throw new EvaluateValueError(`yRange must be two finite numbers, low < high; got [${yMin}, ${yMax}]`);
  }
  const legendWidth = 170;
  const left = 70;
  const top = 48;
  const plotWidth = Math.max(40, width - left - legendWidth - 20);
  const plotHeight = Math.max(40, height - top - 64);
  const px = (x: number) => left + ((x - xMin) / (xMax - xMin)) * plotWidth;
  const py = (y: number) => top + plotHeight - ((y - yMin) / (yMax - yMin)) * plotHeight;
  const markers = options.markers ?? lines.every((l) => l.length <= 60);
  const title = options.title ?? 'Training curves';

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="tc-title">`,
    `<title id="tc-title">${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${coord(left + plotWidth / 2)}" y="28" text-anchor="middle" font-size="16" ${FONT}>${escapeXml(title)}</text>`,
    `<defs><clipPath id="tc-plot"><rect x="${left}" y="${top}" width="${coord(plotWidth)}" height="${coord(plotHeight)}"/></clipPath></defs>`,
  ];
  for (const { value, label } of axisTicks(xMin, xMax, 6)) {
    const x = coord(px(value));
    out.push(
      `<line x1="${x}" y1="${top}" x2="${x}" y2="${coord(top + plotHeight)}" stroke="#e5e5e5"/>`,
      `<text x="${x}" y="${coord(top + plotHeight + 18)}" text-anchor="middle" font-size="11" ${FONT}>${label}</text>`,
    );
  }
  for (const { value, label } of axisTicks(yMin, yMax, 6)) {
    const y = coord(py(value));
    out.push(
      `<line x1="${left}" y1="${y}" x2="${coord(left + plotWidth)}" y2="${y}" stroke="#e5e5e5"/>`,
      `<text x="${left - 6}" y="${coord(py(value) + 4)}" text-anchor="end" font-size="11" ${FONT}>${label}</text>`,
    );
  }
  out.push(
    `<rect x="${left}" y="${top}" width="${coord(plotWidth)}" height="${coord(plotHeight)}" fill="none" stroke="#333333"/>`,
  );
  series.forEach((s, k) => {
    const color = escapeXml(s.color ?? TAB10[k % TAB10.length]!);
    const group: string[] = [`<g clip-path="url(#tc-plot)" stroke="${color}" fill="${color}">`];
    for (const part of segments[k]!) {
      const pts = part.map(([x, y]) => `${coord(px(x))},${coord(py(y))}`).join(' ');
      group.push(`<polyline points="${pts}" fill="none" stroke-width="2"/>`);
      if (markers)
        for (const [x, y] of part) group.push(`<circle cx="${coord(px(x))}" cy="${coord(py(y))}" r="3"/>`);
    }
    group.push('</g>');
    out.push(group.join(''));
    const ly = top + 12 + k * 20;
    const lx = left + plotWidth + 16;
    out.push(
      `<line x1="${coord(lx)}" y1="${ly}" x2="${coord(lx + 22)}" y2="${ly}" stroke="${color}" stroke-width="2"/>`,
      `<text x="${coord(lx + 28)}" y="${ly + 4}" font-size="12" ${FONT}>${escapeXml(String(s.name))}</text>`,
    );
  });
  out.push(
    `<text x="${coord(left + plotWidth / 2)}" y="${coord(top + plotHeight + 42)}" text-anchor="middle" font-size="14" ${FONT}>${escapeXml(options.xLabel ?? 'step')}</text>`,
  );
  if (options.yLabel) {
    const cy = coord(top + plotHeight / 2);
    out.push(
      `<text x="18" y="${cy}" text-anchor="middle" font-size="14" transform="rotate(-90 18 ${cy})" ${FONT}>${escapeXml(options.yLabel)}</text>`,
    );
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/**
 * Series from a Trainer's `log_history` (`trainer_state.json`): for each key,
 * the entries that have it, against `step` (or `epoch`). Training entries have
 * `loss`, evaluation entries `eval_loss`, `eval_f1`, …
 */
export function logHistorySeries(
  logHistory: readonly Record<string, unknown>[],
  keys: readonly string[],
  options: { x?: 'step' | 'epoch' } = {},
): CurveSeries[] {
  checkOptionNames(options, 'logHistorySeries');
  if (!Array.isArray(logHistory))
    throw new EvaluateValueError('logHistorySeries: logHistory must be an array');
  const xKey = options.x ?? 'step';
  return keys.map((key) => ({
    name: key,
    points: logHistory
      .filter(
        (e) =>
          e !== null && typeof e === 'object' && typeof e[key] === 'number' && typeof e[xKey] === 'number',
      )
      .map((e) => [e[xKey] as number, e[key] as number] as const),
  }));
}
