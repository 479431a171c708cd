import type { EntityList } from './entity-list.js';
import { compareCodePoints } from './python-text.js';
import type { TypeInterner } from './type-interner.js';

/**
 * Per entity type, in Python's `sorted()` order of the type names: how many
 * entities both sides share (`tp`), how many were predicted, how many are true.
 * These are the sufficient statistics of every seqeval score.
 */
export interface TypeCounts {
  readonly names: string[];
  readonly tp: number[];
  readonly pred: number[];
  readonly true: number[];
}

/**
 * Counts entities per type and the exact matches between both lists. Each list
 * is ordered by a position no two of its entities share (`key`: the end in
 * default mode, the start in strict mode), so one merge pass finds the matches.
 */
export function countByType(
  trueEntities: EntityList,
  predEntities: EntityList,
  interner: TypeInterner,
  key: 'starts' | 'ends',
): TypeCounts {
  const other = key === 'starts' ? 'ends' : 'starts';
  const typeCount = interner.names.length;
  const tp = new Array<number>(typeCount).fill(0);
  const pred = new Array<number>(typeCount).fill(0);
  const truth = new Array<number>(typeCount).fill(0);
  for (let i = 0; i < trueEntities.length; i++) truth[trueEntities.types[i]!]!++;
  for (let i = 0; i < predEntities.length; i++) pred[predEntities.types[i]!]!++;

  const trueKeys = trueEntities[key];
  const predKeys = predEntities[key];
  const trueOther = trueEntities[other];
  const predOther = predEntities[other];
  let a = 0;
  let b = 0;
  while (a < trueEntities.length && b < predEntities.length) {
    const x = trueKeys[a]!;
    const y = predKeys[b]!;
    if (x < y) a++;
    else if (y < x) b++;
    else {
      const type = trueEntities.types[a]!;
      if (trueOther[a] === predOther[b] && type === predEntities.types[b]) tp[type]!++;
      a++;
      b++;
    }
  }

  const present: number[] = [];
  for (let id = 0; id < typeCount; id++) if (truth[id]! > 0 || pred[id]! > 0) present.push(id);
  present.sort((x, y) => compareCodePoints(interner.names[x]!, interner.names[y]!));
  return {
    names: present.map((id) => interner.names[id]!),
    tp: present.map((id) => tp[id]!),
    pred: present.map((id) => pred[id]!),
    true: present.map((id) => truth[id]!),
  };
}
