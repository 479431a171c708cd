import { describe, expect, it } from 'vitest';
import { predictionsToTags } from './predictions-to-tags.js';

const names = ['O', 'B-PER', 'I-PER'];

/** The tags of the two-row example below, whether it comes as logits or as class ids. */
const twoRowTags = {
  yTrue: [
    ['B-PER', 'I-PER'],
    ['O', 'B-PER'],
  ],
  yPred: [
    ['B-PER', 'I-PER'],
    ['O', 'I-PER'],
  ],
};

describe('predictionsToTags', () => {
  it('takes the argmax per position and drops -100 positions', () => {
    // 2 rows x 3 positions x 3 classes
    const logits = {
      shape: [2, 3, 3],
      data: Float32Array.from([
        ...[0, 5, 1], // B-PER
        ...[9, 0, 0], // ignored (-100)
        ...[0, 1, 3], // I-PER
        ...[2, 1, 0], // O
        ...[0, 0, 1], // I-PER
        ...[0, 0, 0], // padding (-100)
      ]),
    };
    const labels = { shape: [2, 3], data: Int32Array.from([1, -100, 2, 0, 1, -100]) };
    expect(predictionsToTags(logits, labels, names)).toEqual(twoRowTags);
  });

  it('breaks ties towards the lowest class id like numpy.argmax', () => {
    const logits = { shape: [1, 1, 3], data: [1, 1, 1] };
    expect(predictionsToTags(logits, { shape: [1, 1], data: [2] }, names).yPred).toEqual([['O']]);
  });

  it('names mismatched shapes and unknown label ids', () => {
    const logits = { shape: [1, 2, 3], data: new Array(6).fill(0) };
    expect(() => predictionsToTags(logits, { shape: [1, 3], data: [0, 0, 0] }, names)).toThrow(/\[1, 2\]/);
    expect(() => predictionsToTags(logits, { shape: [1, 2], data: [0, 7] }, names)).toThrow(
      /label id 7 at row 0, position 1/,
    );
    expect(() => predictionsToTags({ shape: [6], data: [] }, { shape: [6], data: [] }, names)).toThrow(
      /\[rows, width, classes\]/,
    );
  });

  it('takes [rows, width] class ids as they are (argmax done before gathering)', () => {
    // Padded across processes with -100: those positions carry label -100 too and are skipped.
    const predictions = { shape: [2, 3], data: Int32Array.from([1, 2, -100, 0, 2, 1]) };
    const labels = { shape: [2, 3], data: Int32Array.from([1, 2, -100, 0, 1, -100]) };
    expect(predictionsToTags(predictions, labels, names)).toEqual(twoRowTags);
    expect(() =>
      predictionsToTags({ shape: [1, 2], data: [0, 3] }, { shape: [1, 2], data: [0, 0] }, names),
    ).toThrow(/predicted id 3 at row 0, position 1/);
    expect(() =>
      predictionsToTags({ shape: [1, 2], data: [0, 1] }, { shape: [1, 3], data: [0, 0, 0] }, names),
    ).toThrow(/\[1, 2\]/);
  });
});
