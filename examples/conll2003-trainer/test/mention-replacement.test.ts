// Mention replacement: mentions found as seqeval's IOB2 reading finds them, swapped only for
// mentions of the same type, tags rebuilt as B-/I-, reproducible from the seed.
import { describe, expect, it } from 'vitest';
import { mentionReplacedCopies, mentionsOf, splicedMention } from '../src/mention-replacement.js';

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

  it('with syntheticRate 1 puts in made-up names spliced from two names of the type', () => {
    const out = mentionReplacedCopies(sentences, labels, { copies: 20, rate: 1, seed: 7, syntheticRate: 1 });
    const halves = (words: string[]) => ({
      heads: new Set(words.map((w) => w.slice(0, Math.ceil(w.length / 2)))),
      tails: new Set(words.map((w) => w.slice(Math.ceil(w.length / 2)))),
    });
    const byType: Record<string, ReturnType<typeof halves>> = {
      PER: halves(['John', 'Smith', 'Ann']),
      ORG: halves(['Acme', 'Corp']),
      LOC: halves(['Paris', 'Rome']),
    };
    let madeUp = 0;
    out.tokens.forEach((words, s) => {
      for (const mention of mentionsOf(words, out.tags[s]!, labels)) {
        for (const word of mention.words) {
          const { heads, tails } = byType[mention.type]!;
          const split = [...heads].find(
            (head) => word.startsWith(head) && tails.has(word.slice(head.length)),
          );
          expect(split, `${word} (${mention.type})`).toBeDefined();
          if (!['John', 'Smith', 'Ann', 'Acme', 'Corp', 'Paris', 'Rome'].includes(word)) madeUp++;
        }
      }
    });
    expect(madeUp).toBeGreaterThan(20);
  });

  it('with syntheticRate 0 gives exactly the copies without it, and rejects a rate outside [0, 1]', () => {
    const plain = mentionReplacedCopies(sentences, labels, { copies: 4, rate: 0.7, seed: 5 });
    expect(
      mentionReplacedCopies(sentences, labels, { copies: 4, rate: 0.7, seed: 5, syntheticRate: 0 }),
    ).toEqual(plain);
    expect(() =>
      mentionReplacedCopies(sentences, labels, { copies: 1, rate: 1, seed: 1, syntheticRate: 2 }),
    ).toThrow('syntheticRate must be in [0, 1], got 2');
  });
});

describe('splicedMention', () => {
  it('joins the first half of one word to the second half of another, one word per template word', () => {
    const draws = [0, 0.5, 0.99, 0]; // Germany + Brazil, then Rome + Germany
    const random = () => draws.shift()!;
    expect(splicedMention(['x', 'y'], ['Germany', 'Brazil', 'Rome'], random)).toEqual(['Germzil', 'Roany']);
  });
});
