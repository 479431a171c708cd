import { describe, expect, it } from 'vitest';
import { decodeWordPiece } from './wordpiece-decoder.js';

describe('decodeWordPiece (Rust WordPiece decoder semantics)', () => {
  it('glues ## continuations and spaces other tokens', () => {
    expect(decodeWordPiece(['Mer', '##kel', 'met', 'Emm', '##anuel'])).toBe('Merkel met Emmanuel');
  });
  it('applies clean-up per token, not on the joined string', () => {
    expect(decodeWordPiece(['Dr', '.'])).toBe('Dr.');
    expect(decodeWordPiece(['-', 'Planck'])).toBe('- Planck');
    expect(decodeWordPiece(["'", 's'])).toBe("' s");
    expect(decodeWordPiece(['I', "'m"])).toBe("I'm");
    expect(decodeWordPiece(['did', "n't"])).toBe("didn't");
    expect(decodeWordPiece(['wow', '!', '?', ','])).toBe('wow!?,');
  });
  it('keeps a leading ## on the first token', () => {
    expect(decodeWordPiece(['##chen'])).toBe('##chen');
  });
  it('can switch clean-up off', () => {
    expect(decodeWordPiece(['Dr', '.'], { cleanup: false })).toBe('Dr .');
  });
});
