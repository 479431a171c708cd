// AdamW + linear warmup schedule against Python (torch.optim.AdamW, transformers.get_scheduler):
// three steps on each oracle classifier for each weight-decay variant, parameters to 1e-5.
import '@tensorflow/tfjs-backend-cpu';
import { AutoModelForSequenceClassification, AutoModelForTokenClassification } from '@ner/models';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { globalGradNorm } from '../src/index.js';
import {
  maxAbsDiff,
  type OracleBatch,
  type OracleLog,
  oracleDir,
  oracleOptimizer,
  readJson,
  readTensors,
  toModelBatch,
  trainedModels,
  worstDiffAfterThreeSteps,
} from './oracle.js';

const variants = ['decay_all', 'hf_trainer_groups', 'name_rule_no_decay'] as const;
const cases = trainedModels.flatMap(([name, info]) =>
  variants.map((variant) => [name, info.task, variant] as const),
);

async function loadModel(name: string, task: string) {
  await tf.setBackend('cpu');
  const auto = task === 'token' ? AutoModelForTokenClassification : AutoModelForSequenceClassification;
  return auto.fromPretrained(oracleDir(name));
}

describe('AdamW + linear schedule vs Python', () => {
  it('has the oracle cases', () => {
    expect(cases.length).toBe(trainedModels.length * 3);
    expect(trainedModels.length).toBeGreaterThanOrEqual(3);
  });

  it.each(cases)('%s / %s', async (name, task, variant) => {
    const model = await loadModel(name, task);
    const log = readJson<OracleLog>(name, 'train', variant, 'log.json');
    const { groups, optimizer, scheduler } = oracleOptimizer(model, variant);
    if (variant !== 'decay_all') {
      expect(groups[0]!.params.map(([n]) => n)).toEqual(log.decay_param_names);
      expect(groups[1]!.params.map(([n]) => n)).toEqual(log.no_decay_param_names);
    }
    const batches = readJson<OracleBatch[]>(name, 'train', 'batches.json');
    const grads1 = readTensors(name, 'train', 'grads_step1.safetensors');
    for (const expected of log.steps) {
      expect(scheduler.getLastLr()).toEqual(
        expected.lr_per_group.length ? expected.lr_per_group : [expected.lr],
      );
      const batch = toModelBatch(batches[expected.batch_index]!);
      const { loss, grads } = model.computeGradients(batch as never, { training: false });
      expect(loss.dataSync()[0]).toBeCloseTo(expected.loss, 5);
      expect(globalGradNorm(grads)).toBeCloseTo(expected.grad_global_norm, 4);
      if (expected.step === 1) {
        for (const [param, grad] of grads) {
          expect(maxAbsDiff(grad.dataSync(), grads1.get(param)!.data), param).toBeLessThan(1e-5);
        }
      }
      const before = expected.step === 1 ? model.namedParameters().map(([, v]) => v.dataSync().slice()) : [];
      optimizer.step(grads);
      if (expected.step === 1) {
        // lr is exactly 0 on the first warmup step: weights do not move (moments still update).
        for (const [i, [, v]] of model.namedParameters().entries())
          expect(maxAbsDiff(v.dataSync(), before[i]!)).toBe(0);
      }
      scheduler.step();
      tf.dispose([loss, ...grads.values(), ...Object.values(batch)]);
    }
    const lrAfter = Array.isArray(log.lr_after) ? log.lr_after : [log.lr_after];
    for (const [i, lr] of scheduler.getLastLr().entries()) expect(lr).toBeCloseTo(lrAfter[i]!, 12);
    expect(worstDiffAfterThreeSteps(model, name, variant)).toBeLessThan(1e-5);
    optimizer.dispose();
    (model as { dispose(): void }).dispose();
  });
});
