import { readFileSync } from 'node:fs';
import { sharedPath } from '@ner/test-support';

/** Sentences (word lists) of a CoNLL-style file: first column, blank line ends a sentence, -DOCSTART- skipped. */
export function readSentences(path: string, separator: RegExp): string[][] {
  const sentences: string[][] = [];
  let current: string[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const trimmed = line.replace(/\r$/, '');
    if (trimmed.trim() === '') {
      if (current.length > 0) sentences.push(current);
      current = [];
      continue;
    }
    const word = trimmed.split(separator)[0]!;
    if (word === '-DOCSTART-') continue;
    current.push(word);
  }
  if (current.length > 0) sentences.push(current);
  return sentences;
}

export const conllValidation = (): string[][] =>
  readSentences(sharedPath('data', 'conll2003', 'validation.txt'), / /);
export const wnutTest = (): string[][] => readSentences(sharedPath('data', 'wnut17', 'test.txt'), /\t/);
export const vocabDir = (name: 'bert-base-cased' | 'bert-base-uncased'): string =>
  sharedPath('data', 'tokenizers', name);
