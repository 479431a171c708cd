// AdamW on the native backend (@ner/tfjs-backend-native), where the step runs as one fused
// NerAdamW kernel per parameter: the same three Python (torch.optim.AdamW + linear schedule)
// steps as oracle-optimizer.test.ts, parameters to 1e-5. Skipped, with the reason printed,
// when the addon is not built.
import '@tensorflow/tfjs-backend-cpu';
import { AutoModelForSequenceClassification, AutoModelForTokenClassification } from '@ner/models';
import { nativeBackendInfo } from '@ner/tfjs-backend-native';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  AdamW,
  getScheduler,
  nameRuleParameterGroups,
  type ParamGroupInput,
  trainerParameterGroups,
} from '../src/index.js';
import {
  type OracleBatch,
  type OracleLog,
  manifest,
  maxAbsDiff,
  oracleDir,
  readJson,
  readTensors,
  toModelBatch,
  trainedModels,
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
    const training = manifest.training;
    const log = readJson<OracleLog>(name, 'train', variant, 'log.json');
    let groups: ParamGroupInput[];
    if (variant === 'decay_all') groups = [{ params: model.namedParameters() }];
    else if (variant === 'hf_trainer_groups') groups = trainerParameterGroups(model, training.weight_decay);
    else groups = nameRuleParameterGroups(model, training.weight_decay);
    const optimizer = new AdamW(groups, {
      lr: training.lr,
      betas: training.betas,
      eps: training.eps,
      weightDecay: training.weight_decay,
    });
    const scheduler = getScheduler('linear', optimizer, {
      numWarmupSteps: training.num_warmup_steps,
      numTrainingSteps: training.num_training_steps,
    });
    const batches = readJson<OracleBatch[]>(name, 'train', 'batches.json');
    const runKernel = vi.spyOn(tf.engine(), 'runKernel');
    for (const expected of log.steps) {
      const batch = toModelBatch(batches[expected.batch_index]!);
      const { loss, grads } = model.computeGradients(batch as never, { training: false });
      expect(loss.dataSync()[0]).toBeCloseTo(expected.loss, 5);
      optimizer.step(grads);
      scheduler.step();
      tf.dispose([loss, ...grads.values(), ...Object.values(batch)]);
    }
    const fusedCalls = runKernel.mock.calls.filter(([kernel]) => kernel === 'NerAdamW').length;
    runKernel.mockRestore();
    expect(fusedCalls).toBe(log.steps.length * model.namedParameters().length);
    const after = readTensors(name, 'train', variant, 'params_after_3_steps.safetensors');
    let worst = 0;
    for (const [param, variable] of model.namedParameters()) {
      worst = Math.max(worst, maxAbsDiff(variable.dataSync(), after.get(param)!.data));
    }
    expect(worst).toBeLessThan(1e-5);
    optimizer.dispose();
    (model as { dispose(): void }).dispose();
  });
});
