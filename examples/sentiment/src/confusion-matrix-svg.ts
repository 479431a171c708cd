// A confusion matrix as a standalone SVG image, laid out like scikit-learn's
// ConfusionMatrixDisplay(cmap="Blues", values_format=".2f"): true labels down the left,
// predicted labels along the bottom, the value in each cell, a colour bar on the right.
// Hand-written SVG (no plotting library): the picture is a grid of rectangles and text,
// and a charting dependency (with a canvas or headless browser behind it) would be far
// heavier than these hundred lines.

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

/** The Blues colour of `t` in [0, 1] (clamped), linearly interpolated between the anchors, as `#rrggbb`. */
export function bluesColor(t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (BLUES.length - 1);
  const i = Math.min(Math.floor(x), BLUES.length - 2);
  const f = x - i;
  const a = hexToRgb(BLUES[i]!);
  const b = hexToRgb(BLUES[i + 1]!);
  return `#${a
    .map((c, k) =>
      Math.round(c + (b[k]! - c) * f)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

/** Escapes text for SVG element content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Options of {@link confusionMatrixSvg}. */
export interface ConfusionMatrixSvgOptions {
  /** Title above the matrix (default `'Normalized confusion matrix'`). */
  title?: string;
  /** Digits after the point in each cell (default 2, sklearn's `values_format='.2f'`). */
  digits?: number;
  /** Side of one cell in pixels (default 96). */
  cellSize?: number;
}

/**
 * Renders a square matrix of values in [0, 1] (e.g. sklearn `confusion_matrix(..., normalize='true')`,
 * rows = true class, columns = predicted class) as an SVG document a browser shows.
 * The colour scale is fixed to [0, 1] so images of different runs compare directly.
 */
export function confusionMatrixSvg(
  matrix: readonly (readonly number[])[],
  labels: readonly string[],
  options: ConfusionMatrixSvgOptions = {},
): string {
  const n = labels.length;
  if (n === 0) throw new Error('confusionMatrixSvg: labels is empty');
  if (matrix.length !== n) throw new Error(`confusionMatrixSvg: ${matrix.length} rows but ${n} labels`);
  matrix.forEach((row, i) => {
    if (row.length !== n)
      throw new Error(`confusionMatrixSvg: row ${i} has ${row.length} values, expected ${n}`);
    row.forEach((v, j) => {
      if (!Number.isFinite(v) || v < 0 || v > 1) {
        throw new Error(`confusionMatrixSvg: value [${i}][${j}] is ${v}, expected a number in [0, 1]`);
      }
    });
  });
  const title = options.title ?? 'Normalized confusion matrix';
  const digits = options.digits ?? 2;
  const cell = options.cellSize ?? 96;
  const longest = Math.max(...labels.map((l) => l.length));
  const labelWidth = Math.max(40, longest * 8 + 12);
  const left = 30 + labelWidth; // y-axis title + tick labels
  const top = 44;
  const grid = n * cell;
  const barX = left + grid + 28;
  const barWidth = 18;
  const width = barX + barWidth + 44;
  const height = top + grid + 64;
  const font = 'font-family="DejaVu Sans, Arial, Helvetica, sans-serif"';

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="cm-title">`,
    // A <title> first gives the image its accessible name (and a tooltip in browsers).
    `<title id="cm-title">${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left + grid / 2}" y="26" text-anchor="middle" font-size="16" ${font}>${escapeXml(title)}</text>`,
  );
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = matrix[i]![j]!;
      const x = left + j * cell;
      const y = top + i * cell;
      // sklearn picks the text colour by comparing with the middle of the colour range.
      const ink = v >= 0.5 ? '#ffffff' : '#08306b';
      out.push(
        `<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${bluesColor(v)}"/>`,
        `<text x="${x + cell / 2}" y="${y + cell / 2 + 5}" text-anchor="middle" font-size="15" fill="${ink}" ${font}>${v.toFixed(digits)}</text>`,
      );
    }
  }
  out.push(
    `<rect x="${left}" y="${top}" width="${grid}" height="${grid}" fill="none" stroke="#333333" stroke-width="1"/>`,
  );
  labels.forEach((label, k) => {
    const mid = k * cell + cell / 2;
    out.push(
      `<text x="${left - 8}" y="${top + mid + 4}" text-anchor="end" font-size="13" ${font}>${escapeXml(label)}</text>`,
      `<text x="${left + mid}" y="${top + grid + 20}" text-anchor="middle" font-size="13" ${font}>${escapeXml(label)}</text>`,
    );
  });
  out.push(
    `<text x="${left + grid / 2}" y="${top + grid + 48}" text-anchor="middle" font-size="14" ${font}>Predicted label</text>`,
    `<text x="16" y="${top + grid / 2}" text-anchor="middle" font-size="14" transform="rotate(-90 16 ${top + grid / 2})" ${font}>True label</text>`,
  );
  // Colour bar: the same anchors as a vertical gradient, 1 at the top.
  out.push('<defs><linearGradient id="blues" x1="0" y1="1" x2="0" y2="0">');
  BLUES.forEach((c, k) => {
    out.push(`<stop offset="${(k / (BLUES.length - 1)).toFixed(4)}" stop-color="${c}"/>`);
  });
  out.push(
    '</linearGradient></defs>',
    `<rect x="${barX}" y="${top}" width="${barWidth}" height="${grid}" fill="url(#blues)" stroke="#333333" stroke-width="1"/>`,
  );
  for (let k = 0; k <= 5; k++) {
    const v = k / 5;
    const y = top + grid - v * grid;
    out.push(
      `<line x1="${barX + barWidth}" y1="${y}" x2="${barX + barWidth + 4}" y2="${y}" stroke="#333333"/>`,
      `<text x="${barX + barWidth + 7}" y="${y + 4}" font-size="11" ${font}>${v.toFixed(1)}</text>`,
    );
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
