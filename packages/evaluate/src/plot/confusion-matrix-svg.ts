// A confusion matrix as a standalone SVG image, laid out like scikit-learn's
// ConfusionMatrixDisplay(cmap="Blues"): true labels down the left, predicted
// labels along the bottom, the value in each cell, a colour bar on the right.

import { EvaluateValueError } from '../errors.js';
import { axisTicks, BLUES, bluesColor, checkSize, coord, escapeXml, FONT } from './svg.js';
import { checkOptionNames } from '../option-names.js';

/** Most labels a confusion-matrix picture takes (the image grows with their square). */
export const MAX_PLOT_LABELS = 200;

/** Options of {@link confusionMatrixSvg}. */
export interface ConfusionMatrixSvgOptions {
  /** Title above the matrix (default `'Confusion matrix'`). */
  title?: string;
  /**
   * Digits after the point in each cell. Default: integers as they are (counts),
   * other values with 2 digits (scikit-learn's `'d'` and `'.2g'` formats).
   */
  digits?: number;
  /** Side of one cell in pixels (default 72). */
  cellSize?: number;
  /**
   * Values at the light and dark ends of the colour scale (default: the
   * matrix's minimum and maximum, as matplotlib scales). Pass `[0, 1]` for
   * normalized matrices so pictures of different runs compare directly.
   */
  colorRange?: readonly [number, number];
  /** Axis titles (default `'Predicted label'` and `'True label'`). */
  xLabel?: string;
  yLabel?: string;
}

function checkMatrix(matrix: readonly (readonly number[])[], n: number): void {
  if (!Array.isArray(matrix) || matrix.length !== n) {
    throw new EvaluateValueError(
      `confusionMatrixSvg: ${Array.isArray(matrix) ? matrix.length : 'no'} rows but ${n} labels`,
    );
  }
  matrix.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== n) {
      throw new EvaluateValueError(`confusionMatrixSvg: row ${i} has ${row?.length} values, expected ${n}`);
    }
    row.forEach((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new EvaluateValueError(
          `confusionMatrixSvg: value [${i}][${j}] is ${String(v)}, expected a finite number`,
        );
      }
    });
  });
}

/**
 * Renders a square matrix (rows = true label, columns = predicted label, as
 * `confusionMatrix` of `@ner/evaluate` returns it, counts or normalized) as an SVG document.
 *
 * @example
 * import { confusionMatrix } from '@ner/evaluate';
 * import { confusionMatrixSvg } from '@ner/evaluate/plot';
 * const cm = confusionMatrix(yTrue, yPred, { labels: [0, 1, 2], normalize: 'true' });
 * writeFileSync('cm.svg', confusionMatrixSvg(cm, ['negative', 'neutral', 'positive'], { colorRange: [0, 1] }));
 */
export function confusionMatrixSvg(
  matrix: readonly (readonly number[])[],
  labels: readonly string[],
  options: ConfusionMatrixSvgOptions = {},
): string {
  checkOptionNames(options, 'confusionMatrixSvg');
  if (!Array.isArray(labels))
    throw new EvaluateValueError('confusionMatrixSvg: labels must be an array of strings');
  const n = labels.length;
  checkSize('confusionMatrixSvg: the number of labels', n, MAX_PLOT_LABELS);
  checkMatrix(matrix, n);
  const cell = options.cellSize ?? 72;
  checkSize('cellSize', cell, 1000);
  if (
    options.digits !== undefined &&
    (!Number.isInteger(options.digits) || options.digits < 0 || options.digits > 20)
  ) {
    throw new EvaluateValueError(`digits must be an integer in [0, 20]; got ${String(options.digits)}`);
  }
  const values = matrix.flat();
  const [low, high] = options.colorRange ?? [Math.min(...values), Math.max(...values)];
  if (!Number.isFinite(low) || !Number.isFinite(high) || high < low) {
    throw new EvaluateValueError(`colorRange must be two finite numbers, low <= high; got [${low}, ${high}]`);
  }
  const allIntegers = values.every(Number.isInteger);
  const format = (v: number) =>
    options.digits !== undefined ? v.toFixed(options.digits) : allIntegers ? String(v) : v.toFixed(2);
  const scale = (v: number) => (high === low ? 0 : (v - low) / (high - low));
  const title = options.title ?? 'Confusion matrix';
  const names = labels.map((l) => String(l));
  const longest = Math.max(...names.map((l) => [...l].length));
  // Rotate column labels that would not fit under their cell.
  const rotate = longest * 7.5 > cell;
  const labelWidth = Math.min(320, Math.max(40, longest * 7.5 + 12));
  const left = 36 + labelWidth;
  const top = 48;
  const grid = n * cell;
  const bottomLabels = rotate ? Math.min(320, longest * 5.5 + 16) : 24;
  const barX = left + grid + 28;
  const barWidth = 18;
  const width = barX + barWidth + 56;
  const height = top + grid + bottomLabels + 40;
  const threshold = (low + high) / 2;

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${coord(width)}" height="${coord(height)}" viewBox="0 0 ${coord(width)} ${coord(height)}" role="img" aria-labelledby="cm-title">`,
    // A <title> first gives the image its accessible name (and a tooltip in browsers).
    `<title id="cm-title">${escapeXml(title)}</title>`,
    `<rect width="${coord(width)}" height="${coord(height)}" fill="#ffffff"/>`,
    `<text x="${coord(left + grid / 2)}" y="28" text-anchor="middle" font-size="16" ${FONT}>${escapeXml(title)}</text>`,
  ];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = matrix[i]![j]!;
      const x = left + j * cell;
      const y = top + i * cell;
      // scikit-learn writes light text on cells darker than the middle of the range.
      const ink = v < threshold ? BLUES[BLUES.length - 1] : '#ffffff';
      out.push(
        `<rect x="${coord(x)}" y="${coord(y)}" width="${cell}" height="${cell}" fill="${bluesColor(scale(v))}"/>`,
        `<text x="${coord(x + cell / 2)}" y="${coord(y + cell / 2 + 5)}" text-anchor="middle" font-size="${Math.min(15, Math.max(7, cell / 5))}" fill="${ink}" ${FONT}>${format(v)}</text>`,
      );
    }
  }
  out.push(
    `<rect x="${coord(left)}" y="${top}" width="${grid}" height="${grid}" fill="none" stroke="#333333"/>`,
  );
  names.forEach((label, k) => {
    const mid = k * cell + cell / 2;
    const text = escapeXml(label);
    out.push(
      `<text x="${coord(left - 8)}" y="${coord(top + mid + 4)}" text-anchor="end" font-size="13" ${FONT}>${text}</text>`,
    );
    const x = left + mid;
    const y = top + grid + 18;
    out.push(
      rotate
        ? `<text x="${coord(x)}" y="${coord(y)}" text-anchor="end" font-size="13" transform="rotate(-45 ${coord(x)} ${coord(y)})" ${FONT}>${text}</text>`
        : `<text x="${coord(x)}" y="${coord(y)}" text-anchor="middle" font-size="13" ${FONT}>${text}</text>`,
    );
  });
  const xTitle = escapeXml(options.xLabel ?? 'Predicted label');
  const yTitle = escapeXml(options.yLabel ?? 'True label');
  out.push(
    `<text x="${coord(left + grid / 2)}" y="${coord(top + grid + bottomLabels + 24)}" text-anchor="middle" font-size="14" ${FONT}>${xTitle}</text>`,
    `<text x="16" y="${coord(top + grid / 2)}" text-anchor="middle" font-size="14" transform="rotate(-90 16 ${coord(top + grid / 2)})" ${FONT}>${yTitle}</text>`,
  );
  // Colour bar: the same anchors as a vertical gradient, the high end at the top.
  out.push('<defs><linearGradient id="cm-blues" x1="0" y1="1" x2="0" y2="0">');
  BLUES.forEach((c, k) => {
    out.push(`<stop offset="${(k / (BLUES.length - 1)).toFixed(4)}" stop-color="${c}"/>`);
  });
  out.push(
    '</linearGradient></defs>',
    `<rect x="${coord(barX)}" y="${top}" width="${barWidth}" height="${grid}" fill="url(#cm-blues)" stroke="#333333"/>`,
  );
  for (const { value, label } of axisTicks(low, high)) {
    const y = top + grid - scale(value) * grid;
    out.push(
      `<line x1="${coord(barX + barWidth)}" y1="${coord(y)}" x2="${coord(barX + barWidth + 4)}" y2="${coord(y)}" stroke="#333333"/>`,
      `<text x="${coord(barX + barWidth + 7)}" y="${coord(y + 4)}" font-size="11" ${FONT}>${label}</text>`,
    );
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
