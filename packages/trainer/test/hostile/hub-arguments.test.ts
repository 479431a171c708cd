// Hub options that cannot work fail when TrainingArguments is built, naming the field.
import { describe, expect, it } from 'vitest';
import { TrainingArguments, TrainingArgumentsError, type TrainingArgumentsOptions } from '../../src/index.js';

function fieldOf(options: Partial<TrainingArgumentsOptions>): string | undefined {
  try {
    new TrainingArguments({ outputDir: 'out', ...options });
  } catch (error) {
    expect(error).toBeInstanceOf(TrainingArgumentsError);
    return (error as TrainingArgumentsError).field;
  }
  return undefined;
}

describe('hostile Hub arguments', () => {
  it('reject an unknown hubStrategy', () => {
    expect(fieldOf({ hubStrategy: 'sometimes' as never })).toBe('hubStrategy');
    expect(() => new TrainingArguments({ outputDir: 'o', hubStrategy: 'sometimes' as never })).toThrow(
      /'end', 'every_save', 'checkpoint', 'all_checkpoints'/,
    );
  });
  it('reject repo ids that are not [namespace/]name', () => {
    for (const hubModelId of ['', '../etc', 'a/b/c', 'has space', 'x/', '/x', 'ns/na\nme'])
      expect(fieldOf({ hubModelId })).toBe('hubModelId');
    expect(fieldOf({ hubModelId: 'team/bert-finetuned-ner_v2.1' })).toBeUndefined();
  });
  it('reject a blank token and non-boolean switches', () => {
    expect(fieldOf({ hubToken: '   ' })).toBe('hubToken');
    expect(fieldOf({ pushToHub: 'yes' as never })).toBe('pushToHub');
    expect(fieldOf({ hubPrivateRepo: 1 as never })).toBe('hubPrivateRepo');
  });
});
