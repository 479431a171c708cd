import { describe, expect, it } from 'vitest';
import { autoDetect } from './auto-detect.js';
import { Entities } from './entities.js';

describe('Entities (strict mode extraction)', () => {
  it('uses exclusive ends and sentence ids', () => {
    expect(new Entities([['B-PER', 'I-PER', 'O', 'B-LOC']], 'IOB2').entities).toEqual([
      [
        [0, 'PER', 0, 2],
        [0, 'LOC', 3, 4],
      ],
    ]);
  });

  it('drops chunks the scheme does not close properly', () => {
    // IOBES: a B- must end with E-; B-PER I-PER O is no entity, S-LOC is one.
    expect(new Entities([['B-PER', 'I-PER', 'O', 'S-LOC']], 'IOBES').entities).toEqual([[[0, 'LOC', 3, 4]]]);
    // IOB2: an I- without a B- starts nothing.
    expect(new Entities([['I-PER', 'I-PER']], 'IOB2').entities).toEqual([[]]);
  });

  it('reads BILOU and IOE2', () => {
    expect(new Entities([['B-PER', 'L-PER', 'U-LOC']], 'BILOU').entities).toEqual([
      [
        [0, 'PER', 0, 2],
        [0, 'LOC', 2, 3],
      ],
    ]);
    expect(new Entities([['I-PER', 'E-PER', 'E-LOC']], 'IOE2').entities).toEqual([
      [
        [0, 'PER', 0, 2],
        [0, 'LOC', 2, 3],
      ],
    ]);
  });

  it('filters by type and lists unique types', () => {
    const entities = new Entities([['B-PER'], ['B-LOC', 'B-PER']], 'IOB2');
    expect(entities.filter('PER')).toEqual([
      [0, 'PER', 0, 1],
      [1, 'PER', 1, 2],
    ]);
    expect(entities.uniqueTags).toEqual(new Set(['PER', 'LOC']));
  });
});

describe('autoDetect', () => {
  it('names the scheme from the prefixes in use', () => {
    expect(autoDetect([['B-PER', 'I-PER', 'O']])).toBe('IOB2');
    expect(autoDetect([['I-PER', 'E-PER', 'O']])).toBe('IOE2');
    expect(autoDetect([['B-PER', 'E-PER', 'S-LOC', 'O']])).toBe('IOBES');
    expect(autoDetect([['B-PER', 'L-PER', 'U-LOC', 'O']])).toBe('BILOU');
    expect(autoDetect([['S-PER']])).toBe('IOBES');
  });

  it("keeps seqeval's gaps: S with O (or U with O) alone is not detected", () => {
    expect(() => autoDetect([['S-PER', 'O']])).toThrow(/not supported: \{<Prefix.O: 2>, <Prefix.S: 16>\}/);
    expect(() => autoDetect([['U-PER', 'O']])).toThrow(/not supported/);
    expect(autoDetect([['PER-B', 'PER-I']], { suffix: true })).toBe('IOB2');
  });
});
