import { describe, expect, it } from 'vitest';
import { confusionMatrix } from '../src/index.js';
import {
  BLUES,
  bluesColor,
  confusionMatrixSvg,
  logHistorySeries,
  MAX_CURVE_POINTS,
  MAX_PLOT_LABELS,
  trainingCurveSvg,
} from '../src/plot/index.js';
import { niceTicks } from '../src/plot/svg.js';

/** Checks that every tag is closed in order (the images are plain XML). */
function expectWellFormed(svg: string): void {
  const stack: string[] = [];
  for (const match of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = match;
    if (selfClosing) continue;
    if (closing) expect(stack.pop()).toBe(name);
    else stack.push(name!);
  }
  expect(stack).toEqual([]);
  expect(svg).not.toMatch(/NaN|undefined|Infinity/);
}

const count = (svg: string, pattern: RegExp) => [...svg.matchAll(pattern)].length;

describe('confusionMatrixSvg', () => {
  const cm = confusionMatrix([0, 0, 1, 1, 2, 2, 2], [0, 1, 1, 1, 2, 0, 2]); // [[1,1,0],[0,2,0],[1,0,2]]

  it('draws one coloured cell per entry, counts as integers, light to dark over the data range', () => {
    const svg = confusionMatrixSvg(cm, ['neg', 'neu', 'pos'], { title: 'Test' });
    expectWellFormed(svg);
    expect(count(svg, /<rect x="[\d.]+" y="[\d.]+" width="72" height="72" fill="#/g)).toBe(9);
    expect(svg).toContain(`fill="${BLUES[0]}"/>`); // zeros
    expect(svg).toContain(`fill="${BLUES[8]}"/>`); // the maximum, 2
    expect(svg).toMatch(/fill="#ffffff" font-family[^>]*>2<\/text>/); // light ink on dark cells
    expect(svg).toMatch(/fill="#08306b" font-family[^>]*>0<\/text>/);
    expect(svg).toContain('<title id="cm-title">Test</title>');
    expect(svg).toContain('>Predicted label</text>');
  });

  it('formats fractions with digits and scales to a fixed colour range', () => {
    const normalized = confusionMatrix([0, 0, 1, 1], [0, 1, 1, 1], { normalize: 'true' });
    const svg = confusionMatrixSvg(normalized, ['a', 'b'], { digits: 3, colorRange: [0, 1] });
    expect(svg).toContain('>0.500</text>');
    expect(svg).toContain('>1.000</text>');
    expect(svg).toContain(`fill="${bluesColor(0.5)}"/>`);
    expect(bluesColor(0.5)).toBe(BLUES[4]);
  });

  it('escapes label text and rotates long column labels', () => {
    const svg = confusionMatrixSvg(cm, ['<script>', 'a "quoted" one', 'a-rather-long-class-name']);
    expectWellFormed(svg);
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&quot;quoted&quot;');
    expect(count(svg, /rotate\(-45/g)).toBe(3);
  });

  it('rejects shapes and values it cannot draw', () => {
    expect(() => confusionMatrixSvg([[1, 2]], ['a'])).toThrow(
      'confusionMatrixSvg: row 0 has 2 values, expected 1',
    );
    expect(() => confusionMatrixSvg([[Number.NaN]], ['a'])).toThrow(
      'value [0][0] is NaN, expected a finite number',
    );
    expect(() => confusionMatrixSvg(cm, ['a', 'b'])).toThrow('confusionMatrixSvg: 3 rows but 2 labels');
    const many = Array.from({ length: MAX_PLOT_LABELS + 1 }, (_, i) => String(i));
    expect(() => confusionMatrixSvg([], many)).toThrow(/number of labels must be an integer in \[1, 200\]/);
    expect(() => confusionMatrixSvg(cm, ['a', 'b', 'c'], { colorRange: [1, 0] })).toThrow(/colorRange/);
  });
});

describe('trainingCurveSvg', () => {
  // The shape of trainer_state.json's log_history: training and evaluation entries interleaved.
  const logHistory = [
    { loss: 2.1, learning_rate: 5e-5, epoch: 0.5, step: 10 },
    { loss: 1.4, learning_rate: 4e-5, epoch: 1, step: 20 },
    { eval_loss: 1.2, eval_f1: 0.41, epoch: 1, step: 20 },
    { loss: 0.9, learning_rate: 2e-5, epoch: 1.5, step: 30 },
    { loss: 0.7, learning_rate: 1e-5, epoch: 2, step: 40 },
    { eval_loss: 0.8, eval_f1: 0.62, epoch: 2, step: 40 },
    { train_runtime: 12.5, epoch: 2, step: 40 },
  ];

  it('takes series from log_history by key, against step or epoch', () => {
    const [loss, evalLoss] = logHistorySeries(logHistory, ['loss', 'eval_loss']);
    expect(loss).toEqual({
      name: 'loss',
      points: [
        [10, 2.1],
        [20, 1.4],
        [30, 0.9],
        [40, 0.7],
      ],
    });
    expect(evalLoss!.points).toEqual([
      [20, 1.2],
      [40, 0.8],
    ]);
    expect(logHistorySeries(logHistory, ['eval_f1'], { x: 'epoch' })[0]!.points).toEqual([
      [1, 0.41],
      [2, 0.62],
    ]);
  });

  it('draws a line per series with a legend, round ticks and markers', () => {
    const svg = trainingCurveSvg(logHistorySeries(logHistory, ['loss', 'eval_loss']), { yLabel: 'loss' });
    expectWellFormed(svg);
    expect(count(svg, /<polyline/g)).toBe(2);
    expect(count(svg, /<circle/g)).toBe(6);
    expect(svg).toContain('>eval_loss</text>');
    expect(svg).toContain('stroke="#1f77b4"');
    expect(svg).toContain('stroke="#ff7f0e"');
    for (const tick of ['10', '20', '30', '40']) expect(svg).toContain(`>${tick}</text>`);
  });

  it('leaves a gap where a value is not finite', () => {
    const svg = trainingCurveSvg([
      {
        name: 'loss',
        points: [
          [1, 1],
          [2, Number.NaN],
          [3, 0.5],
          [4, 0.4],
        ],
      },
    ]);
    expectWellFormed(svg);
    expect(count(svg, /<polyline/g)).toBe(2);
    expect(count(svg, /<circle/g)).toBe(3);
  });

  it('draws the largest chart it accepts and refuses one point more', () => {
    const points = Array.from({ length: MAX_CURVE_POINTS }, (_, i) => [i, Math.sin(i / 1000)] as const);
    const svg = trainingCurveSvg([{ name: 'long', points }]);
    expect(count(svg, /<circle/g)).toBe(0); // no markers on long series
    expect(count(svg, /<polyline/g)).toBe(1);
    expect(() => trainingCurveSvg([{ name: 'long', points: [...points, [0, 0]] }])).toThrow(
      `trainingCurveSvg: ${MAX_CURVE_POINTS + 1} points, above the limit of ${MAX_CURVE_POINTS}`,
    );
  });

  it('rejects too many series and bad sizes', () => {
    const series = Array.from({ length: 21 }, (_, i) => ({ name: String(i), points: [] }));
    expect(() => trainingCurveSvg(series)).toThrow(/number of series must be an integer in \[1, 20\]/);
    expect(() => trainingCurveSvg([{ name: 'a', points: [[0, 1]] }], { width: 0 })).toThrow(/width/);
    expect(() => trainingCurveSvg([{ name: 'a', points: 'x' as never }])).toThrow(/has no points array/);
  });
});

describe('niceTicks', () => {
  it('picks round steps', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(10, 40, 6)).toEqual([10, 15, 20, 25, 30, 35, 40]);
    expect(niceTicks(0.62, 2.18, 6)).toEqual([1, 1.5, 2]);
    expect(niceTicks(3, 3)).toEqual([3]);
  });
});
