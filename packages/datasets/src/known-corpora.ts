/**
 * Label orders of the corpora the tutorials use, as their Hugging Face Hub versions define them, so local
 * copies load with the same ids as `load_dataset("eriktks/conll2003")` etc.
 */

/** `eriktks/conll2003` `ner_tags` names. */
export const CONLL2003_NER_NAMES = [
  'O',
  'B-PER',
  'I-PER',
  'B-ORG',
  'I-ORG',
  'B-LOC',
  'I-LOC',
  'B-MISC',
  'I-MISC',
] as const;

/** `eriktks/conll2003` `pos_tags` names (47; the data uses 45 of them). */
export const CONLL2003_POS_NAMES = [
  '"',
  "''",
  '#',
  '$',
  '(',
  ')',
  ',',
  '.',
  ':',
  '``',
  'CC',
  'CD',
  'DT',
  'EX',
  'FW',
  'IN',
  'JJ',
  'JJR',
  'JJS',
  'LS',
  'MD',
  'NN',
  'NNP',
  'NNPS',
  'NNS',
  'NN|SYM',
  'PDT',
  'POS',
  'PRP',
  'PRP$',
  'RB',
  'RBR',
  'RBS',
  'RP',
  'SYM',
  'TO',
  'UH',
  'VB',
  'VBD',
  'VBG',
  'VBN',
  'VBP',
  'VBZ',
  'WDT',
  'WP',
  'WP$',
  'WRB',
] as const;

/** `eriktks/conll2003` `chunk_tags` names (23; the data uses 21 of them). */
export const CONLL2003_CHUNK_NAMES = [
  'O',
  'B-ADJP',
  'I-ADJP',
  'B-ADVP',
  'I-ADVP',
  'B-CONJP',
  'I-CONJP',
  'B-INTJ',
  'I-INTJ',
  'B-LST',
  'I-LST',
  'B-NP',
  'I-NP',
  'B-PP',
  'I-PP',
  'B-PRT',
  'I-PRT',
  'B-SBAR',
  'I-SBAR',
  'B-UCP',
  'I-UCP',
  'B-VP',
  'I-VP',
] as const;

/** `leondz/wnut_17` `ner_tags` names. */
export const WNUT17_NER_NAMES = [
  'O',
  'B-corporation',
  'I-corporation',
  'B-creative-work',
  'I-creative-work',
  'B-group',
  'I-group',
  'B-location',
  'I-location',
  'B-person',
  'I-person',
  'B-product',
  'I-product',
] as const;

/** `tyqiangz/multilingual-sentiments` `label` names. */
export const SENTIMENT_LABEL_NAMES = ['positive', 'neutral', 'negative'] as const;

/** Corpora known by folder name. */
export type KnownCorpus = 'conll2003' | 'wnut17' | 'sentiment';

/** The corpus a folder name refers to, if any (`conll2003`, `wnut17`/`wnut_17`, `sentiment`). */
export function knownCorpusOf(folderName: string): KnownCorpus | undefined {
  const name = folderName.toLowerCase().replace(/[-_]/g, '');
  if (name === 'conll2003') return 'conll2003';
  if (name === 'wnut17') return 'wnut17';
  if (name === 'sentiment' || name === 'multilingualsentiments') return 'sentiment';
  return undefined;
}
