// The Trainer's weight-decay grouping needs to know which weights sit in LayerNorm modules; checked against
// the parameter groups Python's Trainer rule produced (train/hf_trainer_groups/log.json).
import '@tensorflow/tfjs-backend-cpu';
import { readFileSync } from 'node:fs';
import { sharedPath } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { AutoModelForSequenceClassification, AutoModelForTokenClassification } from '../src/index.js';
import { manifest, modelDir } from './oracle.js';

const trained = Object.entries(manifest.models).filter(([, info]) => 'train' in info);

describe.each(trained)('weight decay groups: %s', (name, info) => {
  it('decayParameterNames() is the Trainer rule, in named_parameters order', async () => {
    await tf.setBackend('cpu');
    const auto = info.task === 'token' ? AutoModelForTokenClassification : AutoModelForSequenceClassification;
    const model = await auto.fromPretrained(modelDir(name));
    const log = JSON.parse(
      readFileSync(sharedPath('oracle', 'models', name, 'train', 'hf_trainer_groups', 'log.json'), 'utf8'),
    ) as { decay_param_names: string[]; no_decay_param_names: string[] };
    const decay = model.decayParameterNames();
    expect(decay).toEqual(log.decay_param_names);
    const rest = model
      .namedParameters()
      .map(([parameter]) => parameter)
      .filter((parameter) => !decay.includes(parameter));
    expect(rest).toEqual(log.no_decay_param_names);
    expect(model.parameterModuleTypes().get('classifier.weight')).toBe('Linear');
    model.dispose();
  });
});
