/**
 * Tag sequences written one sentence per string, tags separated by single spaces:
 * `tags('B-PER I-PER O', 'O')` is `[['B-PER', 'I-PER', 'O'], ['O']]`, the lists of lists seqeval takes.
 */
export function tags(...sentences: string[]): string[][] {
  return sentences.map((sentence) => sentence.split(' '));
}
