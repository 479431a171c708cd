// fromPretrained refuses option names it does not take before it reads anything, naming them:
// Python's `from_pretrained(name, num_labels=9)` spelling would otherwise build the checkpoint's
// head without a word.
import { describe, expect, it } from 'vitest';
import { AutoConfig, AutoModelForTokenClassification } from './auto.js';
import { BertForTokenClassification } from './bert/models.js';
import { ConfigError } from './errors.js';

const missing = '/nonexistent/ner-model';

describe('fromPretrained option names', () => {
  it("names Python's spelling, and says where a config field goes", async () => {
    await expect(
      AutoModelForTokenClassification.fromPretrained(missing, { num_labels: 9 } as object),
    ).rejects.toThrow(
      `fromPretrained(${missing}): num_labels: unknown option; that is Python's spelling, here it is numLabels`,
    );
    await expect(
      BertForTokenClassification.fromPretrained(missing, { hiddenDropoutProb: 0.2 } as object),
    ).rejects.toThrow(
      /hiddenDropoutProb: unknown option; to change a config field, load the config \(AutoConfig\.fromPretrained\)/,
    );
    await expect(AutoConfig.fromPretrained(missing, { seed: 1 } as object)).rejects.toThrow(ConfigError);
  });

  it('says why a Python argument has no counterpart, unless its value asks for nothing', async () => {
    await expect(
      AutoModelForTokenClassification.fromPretrained(missing, { torch_dtype: 'bfloat16' } as object),
    ).rejects.toThrow(/torch_dtype: not supported here: dtype: 'bf16'/);
    // Taken: the load goes on and fails for the folder, not the options.
    await expect(
      AutoModelForTokenClassification.fromPretrained(missing, { numLabels: 9, ...{ torch_dtype: null } }),
    ).rejects.toThrow(/does not exist/);
  });
});
