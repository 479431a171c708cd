import { isNested, type TagSequences } from './default-entities.js';
import { SeqevalZeroDivisionError } from './errors.js';

/** Flattens sentences the way seqeval's token-level metrics do (only when `yTrue` holds lists). */
function flattenPair(yTrue: TagSequences, yPred: TagSequences): [readonly string[], readonly string[]] {
  if (!isNested(yTrue)) return [yTrue as readonly string[], yPred as readonly string[]];
  const flat = (sequences: TagSequences): string[] => {
    const out: string[] = [];
    for (const item of sequences) {
      if (Array.isArray(item)) for (const tag of item) out.push(tag);
      else out.push(item as string);
    }
    return out;
  };
  return [flat(yTrue), flat(yPred)];
}

/**
 * Token-level accuracy: the share of tokens whose predicted tag equals the true
 * tag, like `seqeval.metrics.accuracy_score`. Like Python's `zip`, extra tokens
 * of the longer input are ignored, but the divisor is the number of true tokens.
 *
 * @throws SeqevalZeroDivisionError when there are no true tokens.
 */
export function accuracyScore(yTrue: TagSequences, yPred: TagSequences): number {
  const aligned = countAlignedMatches(yTrue, yPred);
  if (aligned !== null) {
    if (aligned.tokens === 0) throw zeroTokens();
    return aligned.correct / aligned.tokens;
  }
  const [flatTrue, flatPred] = flattenPair(yTrue, yPred);
  const paired = Math.min(flatTrue.length, flatPred.length);
  let correct = 0;
  for (let i = 0; i < paired; i++) if (flatTrue[i] === flatPred[i]) correct++;
  if (flatTrue.length === 0) throw zeroTokens();
  return correct / flatTrue.length;
}

function zeroTokens(): SeqevalZeroDivisionError {
  return new SeqevalZeroDivisionError(
    'division by zero: accuracyScore needs at least one true token (seqeval raises ZeroDivisionError)',
  );
}

/**
 * Fast path for the usual input, sentences of equal lengths on both sides:
 * counts matching tags without flattening. `null` when the shapes differ.
 */
function countAlignedMatches(
  yTrue: TagSequences,
  yPred: TagSequences,
): { correct: number; tokens: number } | null {
  if (yTrue.length !== yPred.length || !isNested(yTrue)) return null;
  let correct = 0;
  let tokens = 0;
  for (let s = 0; s < yTrue.length; s++) {
    const t = yTrue[s];
    const p = yPred[s];
    if (!Array.isArray(t) || !Array.isArray(p) || t.length !== p.length) return null;
    for (let i = 0; i < t.length; i++) if (t[i] === p[i]) correct++;
    tokens += t.length;
  }
  return { correct, tokens };
}

/** Token-level confusion counts of {@link performanceMeasure}. */
export interface PerformanceMeasure {
  TP: number;
  FP: number;
  FN: number;
  TN: number;
}

/**
 * Token-level counts like `seqeval.metrics.performance_measure`: TP = same tag
 * and not both `O`; FP = different tag and predicted not `O`; FN = true not `O`
 * and predicted `O`; TN = both `O`. (A wrong entity tag counts as FP only.)
 */
export function performanceMeasure(yTrue: TagSequences, yPred: TagSequences): PerformanceMeasure {
  const [flatTrue, flatPred] = flattenPair(yTrue, yPred);
  const paired = Math.min(flatTrue.length, flatPred.length);
  const counts: PerformanceMeasure = { TP: 0, FP: 0, FN: 0, TN: 0 };
  for (let i = 0; i < paired; i++) {
    const t = flatTrue[i];
    const p = flatPred[i];
    if (t === p) {
      if (t === 'O') counts.TN++;
      else counts.TP++;
    } else if (p !== 'O') counts.FP++;
    if (t !== 'O' && p === 'O') counts.FN++;
  }
  return counts;
}
