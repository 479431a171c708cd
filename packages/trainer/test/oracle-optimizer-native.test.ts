// AdamW on the native backend (@ner/tfjs-backend-native), where the step runs as fused
// NerAdamW steps (one kernel per parameter while parameters share storage with their loaded
// values, then all of them in one NerAdamWMulti call per step): the same three Python (torch.optim.AdamW + linear schedule)
// steps as oracle-optimizer.test.ts, parameters to 1e-5. Skipped, with the reason printed,
// when the addon is not built.
import '@tensorflow/tfjs-backend-cpu';
import { AutoModelForSequenceClassification, AutoModelForTokenClassification } from '@ner/models';
import { nativeBackendInfo } from '@ner/tfjs-backend-native';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  type OracleBatch,
  type OracleLog,
  oracleDir,
  oracleOptimizer,
  readJson,
  toModelBatch,
  trainedModels,
  worstDiffAfterThreeSteps,
} from './oracle.js';

const native = nativeBackendInfo();
if (!native.available)
  console.warn(`[@ner/trainer tests] native AdamW oracle tests skipped: ${native.reason}`);

const variants = ['decay_all', 'hf_trainer_groups', 'name_rule_no_decay'] as const;
const cases = trainedModels.flatMap(([name, info]) =>
  variants.map((variant) => [name, info.task, variant] as const),
);

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe.skipIf(!native.available)('AdamW on the native backend (fused kernel) vs Python', () => {
  it.each(cases)('%s / %s', async (name, task, variant) => {
    await tf.setBackend('native');
    const auto = task === 'token' ? AutoModelForTokenClassification : AutoModelForSequenceClassification;
    const model = await auto.fromPretrained(oracleDir(name));
    const log = readJson<OracleLog>(name, 'train', variant, 'log.json');
    const { optimizer, scheduler } = oracleOptimizer(model, variant);
    const batches = readJson<OracleBatch[]>(name, 'train', 'batches.json');
    const runKernel = vi.spyOn(tf.engine(), 'runKernel');
    const perStep: [string, number][][] = [];
    for (const expected of log.steps) {
      const batch = toModelBatch(batches[expected.batch_index]!);
      const { loss, grads } = model.computeGradients(batch as never, { training: false });
      expect(loss.dataSync()[0]).toBeCloseTo(expected.loss, 5);
      runKernel.mockClear();
      optimizer.step(grads);
      perStep.push(runKernel.mock.calls.map(([kernel, inputs]) => [kernel, Object.keys(inputs).length]));
      scheduler.step();
      tf.dispose([loss, ...grads.values(), ...Object.values(batch)]);
    }
    runKernel.mockRestore();
    // Every parameter of every step went through a fused step (NerAdamW alone while a parameter
    // shares its storage with its loaded value, else in the step's one NerAdamWMulti call).
    const parameters = model.namedParameters().length;
    for (const calls of perStep) {
      const single = calls.filter(([kernel]) => kernel === 'NerAdamW').length;
      const multi = calls.filter(([kernel]) => kernel === 'NerAdamWMulti');
      expect(multi.length).toBeLessThanOrEqual(1);
      expect(single + multi.reduce((sum, [, inputs]) => sum + inputs / 4, 0)).toBe(parameters);
    }
    // After the first step every parameter owns its storage: one call for all of them.
    for (const calls of perStep.slice(1)) expect(calls).toEqual([['NerAdamWMulti', 4 * parameters]]);
    expect(worstDiffAfterThreeSteps(model, name, variant)).toBeLessThan(1e-5);
    optimizer.dispose();
    (model as { dispose(): void }).dispose();
  });
});
