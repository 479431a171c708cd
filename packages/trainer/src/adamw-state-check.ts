/**
 * The checks of `AdamW.loadStateDict`, run on the whole snapshot before any
 * of it is applied: a snapshot read back from disk (a Trainer checkpoint,
 * `Accelerator.loadState`) is untrusted, and one bad value found halfway
 * through used to leave the optimizer half-restored.
 */
import type { AdamWStateDict, ParamGroup } from './adamw.js';
import { describeValue } from '@ner/models/internal';
import {
  checkedArray,
  checkedCount,
  checkedNonNegative,
  checkedRecord,
  type Fail,
} from './checked-fields.js';
import { OptimizerError } from './errors.js';

const fail: Fail = (problem) => new OptimizerError(`AdamW.loadStateDict: ${problem}`);

/** Throws {@link OptimizerError} naming the first value of `dict` that cannot be restored into `groups`. */
export function checkAdamWStateDict(
  dict: unknown,
  groups: readonly ParamGroup[],
): asserts dict is AdamWStateDict {
  const record = checkedRecord(dict, 'the snapshot', fail);
  const saved = checkedArray(record.paramGroups, 'paramGroups', fail);
  if (saved.length !== groups.length) {
    throw fail(`the snapshot has ${saved.length} parameter groups, the optimizer has ${groups.length}.`);
  }
  for (const [index, value] of saved.entries()) checkGroup(value, index, groups[index]!);
  const shapes = new Map(groups.flatMap((group) => group.params).map(([name, v]) => [name, v.shape]));
  for (const [name, entry] of Object.entries(checkedRecord(record.state, 'state', fail))) {
    const shape = shapes.get(name);
    if (shape === undefined) throw fail(`unknown parameter "${name}" in the snapshot.`);
    const where = `state[${JSON.stringify(name)}]`;
    const moments = checkedRecord(entry, where, fail);
    checkedCount(moments.step, `${where}.step`, fail);
    checkMoment(moments.expAvg, `${where}.expAvg`, name, shape);
    checkMoment(moments.expAvgSq, `${where}.expAvgSq`, name, shape);
  }
}

function checkGroup(value: unknown, index: number, group: ParamGroup): void {
  const where = `paramGroups[${index}]`;
  const saved = checkedRecord(value, where, fail);
  checkedNonNegative(saved.lr, `${where}.lr`, fail);
  checkedNonNegative(saved.initialLr, `${where}.initialLr`, fail);
  checkedNonNegative(saved.weightDecay, `${where}.weightDecay`, fail);
  checkedNonNegative(saved.eps, `${where}.eps`, fail);
  const betas = saved.betas;
  if (
    !Array.isArray(betas) ||
    betas.length !== 2 ||
    !betas.every((b) => typeof b === 'number' && b >= 0 && b < 1)
  )
    throw fail(`${where}.betas must be two numbers in [0, 1), not ${describeValue(betas)}`);
  const params = saved.params;
  if (!Array.isArray(params) || !params.every((name) => typeof name === 'string'))
    throw fail(`${where}.params must be an array of parameter names`);
  const names = group.params.map(([name]) => name);
  if (names.length !== params.length || names.some((name, i) => params[i] !== name)) {
    throw fail(`group ${index} holds different parameters than the snapshot.`);
  }
}

function checkMoment(value: unknown, where: string, name: string, shape: readonly number[]): void {
  const moment = checkedRecord(value, where, fail);
  const { shape: saved, data } = moment;
  if (!Array.isArray(saved) || saved.length !== shape.length || saved.some((s, i) => s !== shape[i])) {
    throw fail(
      `moments of "${name}" have shape [${Array.isArray(saved) ? saved.slice(0, 8) : saved}], the parameter has [${shape}].`,
    );
  }
  const size = shape.reduce((a, b) => a * b, 1);
  // stateDict() gives Float32Arrays; an array of numbers (a snapshot kept as plain JSON) works as well.
  const values =
    data instanceof Float32Array || (Array.isArray(data) && data.every((v) => typeof v === 'number'));
  if (!values || (data as ArrayLike<number>).length !== size)
    throw fail(`${where}.data must be a Float32Array or an array of ${size} numbers`);
}
