import { describe, expect, it } from 'vitest';
import { BLUES, bluesColor, confusionMatrixSvg, escapeXml } from './confusion-matrix-svg.js';

/** Checks that every element opened is closed in order (enough to catch broken SVG here). */
function balancedTags(xml: string): boolean {
  const stack: string[] = [];
  for (const m of xml.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = m;
    if (selfClosing) continue;
    if (closing) {
      if (stack.pop() !== name) return false;
    } else stack.push(name!);
  }
  return stack.length === 0;
}

describe('bluesColor', () => {
  it('gives the first and last anchor at 0 and 1, and clamps outside', () => {
    expect(bluesColor(0)).toBe(BLUES[0]);
    expect(bluesColor(1)).toBe(BLUES[8]);
    expect(bluesColor(-3)).toBe(BLUES[0]);
    expect(bluesColor(7)).toBe(BLUES[8]);
  });

  it('hits each anchor at k/8 and interpolates halfway between two', () => {
    expect(bluesColor(4 / 8)).toBe('#6baed6');
    // Halfway between #f7fbff and #deebf7: (247+222)/2=234.5→235 (eb), (251+235)/2=243 (f3), (255+247)/2=251 (fb).
    expect(bluesColor(1 / 16)).toBe('#ebf3fb');
  });
});

describe('escapeXml', () => {
  it('escapes the five XML specials', () => {
    expect(escapeXml(`a<b>&"c'`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
  });
});

describe('confusionMatrixSvg', () => {
  const matrix = [
    [0.8, 0.15, 0.05],
    [0.25, 0.5, 0.25],
    [0, 1 / 3, 2 / 3],
  ];
  const labels = ['positive', 'neutral', 'negative'];

  it('is a well-formed SVG document with a cell, value and colour per entry', () => {
    const svg = confusionMatrixSvg(matrix, labels);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(balancedTags(svg)).toBe(true);
    for (const v of ['0.80', '0.15', '0.05', '0.25', '0.50', '0.00', '0.33', '0.67']) {
      expect(svg).toContain(`>${v}</text>`);
    }
    // 9 cells with their colours (e.g. 0.8 → between anchors 6 and 7).
    expect(svg).toContain(`fill="${bluesColor(0.8)}"`);
    expect(svg).toContain(`fill="${BLUES[0]}"/>`);
    // Dark cells get white text, light cells dark text (sklearn's threshold at mid-scale).
    expect(svg).toMatch(/fill="#ffffff"[^>]*>0\.80</);
    expect(svg).toMatch(/fill="#08306b"[^>]*>0\.15</);
  });

  it('labels both axes with the class names and axis titles, and draws a 0–1 colour bar', () => {
    const svg = confusionMatrixSvg(matrix, labels, { title: 'Test <split>' });
    for (const l of labels) expect(svg.split(`>${l}</text>`).length - 1).toBe(2);
    expect(svg).toContain('>Predicted label</text>');
    expect(svg).toContain('>True label</text>');
    expect(svg).toContain('>Test &lt;split&gt;</text>');
    expect(svg).toContain('<title id="cm-title">Test &lt;split&gt;</title>');
    expect(svg).toContain('fill="url(#blues)"');
    expect(svg).toContain('>0.0</text>');
    expect(svg).toContain('>1.0</text>');
  });

  it('rejects a matrix that does not fit the labels or holds values outside [0, 1]', () => {
    expect(() => confusionMatrixSvg([[1, 0]], labels)).toThrow(/1 rows but 3 labels/);
    expect(() => confusionMatrixSvg([[1], [0, 1], [0, 0, 1]], labels)).toThrow(/row 0 has 1 values/);
    expect(() => confusionMatrixSvg([[2]], ['a'])).toThrow(/\[0\]\[0\] is 2/);
    expect(() => confusionMatrixSvg([[Number.NaN]], ['a'])).toThrow(/is NaN/);
  });
});
