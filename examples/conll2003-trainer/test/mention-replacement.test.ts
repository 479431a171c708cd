// Mention replacement: mentions found as seqeval's IOB2 reading finds them, swapped only for
// mentions of the same type, tags rebuilt as B-/I-, reproducible from the seed.
import { describe, expect, it } from 'vitest';
import { mentionReplacedCopies, mentionsOf } from '../src/mention-replacement.js';

const labels = ['O', 'B-PER', 'I-PER', 'B-ORG', 'I-ORG', 'B-LOC', 'I-LOC'];
const id = (label: string) => labels.indexOf(label);
const sentences = {
  tokens: [
    ['John', 'Smith', 'visited', 'Paris', '.'],
    ['Acme', 'Corp', 'hired', 'Ann', 'in', 'Rome'],
    ['nothing', 'here'],
  ],
  tags: [
    ['B-PER', 'I-PER', 'O', 'B-LOC', 'O'].map(id),
    ['B-ORG', 'I-ORG', 'O', 'B-PER', 'O', 'B-LOC'].map(id),
    ['O', 'O'].map(id),
  ],
};

describe('mentionsOf', () => {
  it('reads B-/I- spans, and an I- after O or after another type as a new mention', () => {
    const tags = ['I-PER', 'I-PER', 'I-ORG', 'O', 'B-LOC', 'B-LOC'].map(id);
    const found = mentionsOf(['a', 'b', 'c', 'd', 'e', 'f'], tags, labels);
    expect(found).toEqual([
      { type: 'PER', start: 0, words: ['a', 'b'] },
      { type: 'ORG', start: 2, words: ['c'] },
      { type: 'LOC', start: 4, words: ['e'] },
      { type: 'LOC', start: 5, words: ['f'] },
    ]);
  });

  it('names a tag that is not a label', () => {
    expect(() => mentionsOf(['a'], [9], labels)).toThrow('tag 9 at word 0 is not one of the 7 labels');
  });
});

describe('mentionReplacedCopies', () => {
  it('keeps every sentence unchanged at rate 0', () => {
    const out = mentionReplacedCopies(sentences, labels, { copies: 2, rate: 0, seed: 1 });
    expect(out.tokens).toEqual([...sentences.tokens, ...sentences.tokens]);
    expect(out.tags).toEqual([...sentences.tags, ...sentences.tags]);
  });

  it('at rate 1 swaps each mention for one of the same type, with B-/I- tags of that type', () => {
    const out = mentionReplacedCopies(sentences, labels, { copies: 20, rate: 1, seed: 7 });
    const pools: Record<string, string[]> = {
      PER: ['John Smith', 'Ann'],
      ORG: ['Acme Corp'],
      LOC: ['Paris', 'Rome'],
    };
    const seen = new Set<string>();
    out.tokens.forEach((words, s) => {
      const found = mentionsOf(words, out.tags[s]!, labels);
      const original = mentionsOf(sentences.tokens[s % 3]!, sentences.tags[s % 3]!, labels);
      expect(found.map((m) => m.type)).toEqual(original.map((m) => m.type));
      for (const mention of found) {
        expect(pools[mention.type]).toContain(mention.words.join(' '));
        seen.add(mention.words.join(' '));
        const tags = out.tags[s]!.slice(mention.start, mention.start + mention.words.length).map(
          (t) => labels[t],
        );
        expect(tags).toEqual(mention.words.map((_, k) => `${k === 0 ? 'B' : 'I'}-${mention.type}`));
      }
      // The words outside mentions are the original's.
      expect(words.filter((_, k) => labels[out.tags[s]![k]!] === 'O')).toEqual(
        sentences.tokens[s % 3]!.filter((_, k) => labels[sentences.tags[s % 3]![k]!] === 'O'),
      );
    });
    // Twenty copies draw every mention of each pool at least once.
    expect([...seen].sort()).toEqual(['Acme Corp', 'Ann', 'John Smith', 'Paris', 'Rome']);
  });

  it('gives the same copies for the same seed and others for another seed', () => {
    const a = mentionReplacedCopies(sentences, labels, { copies: 5, rate: 0.5, seed: 3 });
    const b = mentionReplacedCopies(sentences, labels, { copies: 5, rate: 0.5, seed: 3 });
    const c = mentionReplacedCopies(sentences, labels, { copies: 5, rate: 0.5, seed: 4 });
    expect(b).toEqual(a);
    expect(c.tokens).not.toEqual(a.tokens);
  });

  it('does not change its input', () => {
    const before = JSON.stringify(sentences);
    mentionReplacedCopies(sentences, labels, { copies: 3, rate: 1, seed: 2 });
    expect(JSON.stringify(sentences)).toBe(before);
  });
});
