// The card transformers' TrainingSummary.to_model_card writes for the course's bert-finetuned-ner run,
// written out by hand from transformers' modelcard.py (metadata via yaml.dump(sort_keys=False), the
// `_maybe_round` and `make_markdown_table` rules), so a drift in any line shows here.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { dumpYaml, pythonFloat } from '../src/model-card-yaml.js';
import { type LogHistoryEntry, parseLogHistory, renderModelCard, writeModelCard } from '../src/index.js';
import { removeTempDirs, tempDir } from './helpers.js';

afterEach(removeTempDirs);

const LOG_HISTORY: LogHistoryEntry[] = [
  { loss: 0.2123, grad_norm: 1.5, learning_rate: 1.5e-5, epoch: 0.57, step: 1000 },
  {
    eval_loss: 0.0712,
    eval_precision: 0.9127,
    eval_recall: 0.9322,
    eval_f1: 0.92234567,
    eval_accuracy: 0.9811,
    eval_runtime: 10.5,
    eval_samples_per_second: 300.1,
    eval_steps_per_second: 37.5,
    epoch: 1,
    step: 1756,
  },
  { loss: 0.0875, epoch: 1.14, step: 2000 },
  {
    eval_loss: 0.0611,
    eval_precision: 0.9331,
    eval_recall: 0.9495,
    eval_f1: 0.9412,
    eval_accuracy: 0.9861,
    eval_runtime: 10.1,
    eval_samples_per_second: 320,
    eval_steps_per_second: 40,
    epoch: 2,
    step: 3512,
  },
  {
    train_runtime: 500,
    train_samples_per_second: 80,
    total_flos: 1e15,
    train_loss: 0.1,
    epoch: 2,
    step: 3512,
  },
];

const EXPECTED = `---
library_name: transformers
license: apache-2.0
base_model: bert-base-cased
tags:
- generated_from_trainer
datasets:
- conll2003
metrics:
- precision
- recall
- f1
- accuracy
model-index:
- name: bert-finetuned-ner
  results:
  - task:
      name: Token Classification
      type: token-classification
    dataset:
      name: conll2003
      type: conll2003
      config: conll2003
      split: validation
      args: conll2003
    metrics:
    - name: Precision
      type: precision
      value: 0.9331
    - name: Recall
      type: recall
      value: 0.9495
    - name: F1
      type: f1
      value: 0.9412
    - name: Accuracy
      type: accuracy
      value: 0.9861
---

<!-- This model card has been generated automatically according to the information the Trainer had access to. You
should probably proofread and complete it, then remove this comment. -->

# bert-finetuned-ner

This model is a fine-tuned version of [bert-base-cased](https://huggingface.co/bert-base-cased) on the conll2003 dataset.
It achieves the following results on the evaluation set:
- Loss: 0.0611
- Precision: 0.9331
- Recall: 0.9495
- F1: 0.9412
- Accuracy: 0.9861

## Model description

More information needed

## Intended uses & limitations

More information needed

## Training and evaluation data

More information needed

## Training procedure

### Training hyperparameters

The following hyperparameters were used during training:
- learning_rate: 2e-05
- train_batch_size: 8
- eval_batch_size: 8
- seed: 42
- optimizer: Use adamw_torch with betas=(0.9,0.999) and epsilon=1e-08 and optimizer_args=No additional optimizer arguments
- lr_scheduler_type: linear
- num_epochs: 2.0

### Training results

| Training Loss | Epoch | Step | Validation Loss | Precision | Recall | F1     | Accuracy |
|:-------------:|:-----:|:----:|:---------------:|:---------:|:------:|:------:|:--------:|
| 0.2123        | 1.0   | 1756 | 0.0712          | 0.9127    | 0.9322 | 0.9223 | 0.9811   |
| 0.0875        | 2.0   | 3512 | 0.0611          | 0.9331    | 0.9495 | 0.9412 | 0.9861   |


### Framework versions

- Transformers 4.46.0
- @ner/trainer 0.1.0
`;

describe('renderModelCard', () => {
  it("writes transformers' card for a fine-tuned token classifier, line for line", () => {
    const { evalLines, evalResults } = parseLogHistory(LOG_HISTORY);
    const card = renderModelCard({
      modelName: 'bert-finetuned-ner',
      license: 'apache-2.0',
      finetunedFrom: 'bert-base-cased',
      tags: ['generated_from_trainer'],
      tasks: 'token-classification',
      datasetTags: 'conll2003',
      datasetArgs: 'conll2003',
      datasetMetadata: [{ config: 'conll2003', split: 'validation' }],
      evalResults,
      evalLines,
      hyperparameters: {
        learning_rate: 2e-5,
        train_batch_size: 8,
        eval_batch_size: 8,
        seed: 42,
        optimizer: `Use adamw_torch with betas=(0.9,0.999) and epsilon=${pythonFloat(1e-8)} and optimizer_args=No additional optimizer arguments`,
        lr_scheduler_type: 'linear',
        num_epochs: '2.0',
      },
      frameworkVersions: { Transformers: '4.46.0', '@ner/trainer': '0.1.0' },
    });
    expect(card).toBe(EXPECTED);
  });

  it('says "trained from scratch on an unknown dataset" and keeps model-index without results', () => {
    const card = renderModelCard({ modelName: 'tiny' });
    expect(
      card.startsWith('---\nlibrary_name: transformers\nmodel-index:\n- name: tiny\n  results: []\n---\n'),
    ).toBe(true);
    expect(card).toContain(
      '\n# tiny\n\nThis model was trained from scratch on an unknown dataset.\n\n## Model description',
    );
    expect(card).toContain(
      '### Training hyperparameters\n\nMore information needed\n\n### Framework versions\n\n',
    );
  });

  it('lists several datasets as transformers does', () => {
    const card = renderModelCard({ modelName: 'm', dataset: ['conll2003', 'wnut_17', 'ontonotes'] });
    expect(card).toContain('on the conll2003, the wnut_17 and the ontonotes datasets.');
  });

  it('writes README.md atomically into a folder', async () => {
    const dir = tempDir();
    const path = await writeModelCard(dir, { modelName: 'saved' });
    expect(readFileSync(path, 'utf8')).toBe(renderModelCard({ modelName: 'saved' }));
  });
});

describe('parseLogHistory', () => {
  it('without a training summary entry returns only the last evaluation', () => {
    const { evalLines, evalResults } = parseLogHistory([
      { eval_loss: 0.5, eval_overall_f1: 0.25, epoch: 1, step: 3 },
    ]);
    expect(evalLines).toBeUndefined();
    expect(evalResults).toEqual({ Loss: 0.5, 'Overall F1': 0.25 });
  });
  it('shows "No log" before the first training loss', () => {
    const { evalLines } = parseLogHistory([{ eval_loss: 0.5, epoch: 0.5, step: 3 }, { train_runtime: 1 }]);
    expect(evalLines).toEqual([{ 'Training Loss': 'No log', Epoch: '0.5', Step: 3, 'Validation Loss': 0.5 }]);
  });
});

describe('Python formatting', () => {
  it('prints floats as repr does', () => {
    const cases: [number, string][] = [
      [2e-5, '2e-05'],
      [1e-8, '1e-08'],
      [0.0001, '0.0001'],
      [1.5e-7, '1.5e-07'],
      [3, '3.0'],
      [0.1, '0.1'],
      [123456.789, '123456.789'],
      [1e16, '1e+16'],
      [1e22, '1e+22'],
      [-2.5e-5, '-2.5e-05'],
    ];
    for (const [value, text] of cases) expect(pythonFloat(value)).toBe(text);
  });
  it('quotes YAML strings only where PyYAML does', () => {
    // Expected text printed by PyYAML 6.0.3's yaml.dump(..., sort_keys=False) for the same mapping.
    const yaml = dumpYaml({
      a: 'no',
      b: '1.0',
      c: 'x: y',
      d: '',
      e: "it's",
      f: '#tag',
      g: 'en',
      h: 2e-5,
      i: [],
      j: true,
      k: 'a b',
      l: 'x #y',
      m: '-x',
      n: '@a',
      o: 'null',
      p: '1e3',
      q: '0x1F',
      r: 'a:b',
      s: '3',
      u: '~',
      v: 'on',
      w: '2024-01-01',
      x: '*',
      y: ' lead',
      z: 'tab\there',
    });
    const pyyaml = [
      "a: 'no'",
      "b: '1.0'",
      "c: 'x: y'",
      "d: ''",
      "e: it's",
      "f: '#tag'",
      'g: en',
      'h: 2.0e-05',
      'i: []',
      'j: true',
      'k: a b',
      "l: 'x #y'",
      'm: -x',
      "n: '@a'",
      "o: 'null'",
      'p: 1e3',
      "q: '0x1F'",
      'r: a:b',
      "s: '3'",
      "u: '~'",
      "v: 'on'",
      "w: '2024-01-01'",
      "x: '*'",
      "y: ' lead'",
      'z: "tab\\there"',
    ];
    expect(yaml).toBe(`${pyyaml.join('\n')}\n`);
  });
});
