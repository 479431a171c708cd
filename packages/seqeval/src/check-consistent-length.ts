import { SeqevalTypeError, SeqevalValueError } from './errors.js';
import { reprIntList } from './python-text.js';

/**
 * seqeval's `check_consistent_length`: both inputs must be non-empty lists of
 * lists with the same number of sentences and the same sentence lengths.
 */
export function checkConsistentLength(yTrue: readonly unknown[], yPred: readonly unknown[]): void {
  if (!Array.isArray(yTrue) || !Array.isArray(yPred)) {
    throw new SeqevalTypeError(
      'Found input variables without list of list. (yTrue and yPred must be arrays of tag arrays)',
    );
  }
  let allLists = yTrue.length + yPred.length > 0;
  for (const item of yTrue) if (!Array.isArray(item)) allLists = false;
  for (const item of yPred) if (!Array.isArray(item)) allLists = false;
  if (!allLists) {
    throw new SeqevalTypeError(
      'Found input variables without list of list. (yTrue and yPred must be non-empty arrays of ' +
        `tag arrays; got ${yTrue.length} and ${yPred.length} items)`,
    );
  }
  const trueLengths = (yTrue as readonly (readonly unknown[])[]).map((s) => s.length);
  const predLengths = (yPred as readonly (readonly unknown[])[]).map((s) => s.length);
  let consistent = trueLengths.length === predLengths.length;
  for (let i = 0; consistent && i < trueLengths.length; i++) consistent = trueLengths[i] === predLengths[i];
  if (!consistent) {
    throw new SeqevalValueError(
      `Found input variables with inconsistent numbers of samples:\n${reprIntList(trueLengths)}\n${reprIntList(predLengths)}`,
    );
  }
}
