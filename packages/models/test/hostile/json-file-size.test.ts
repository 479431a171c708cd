// Issue 14 item 5: config.json and model.safetensors.index.json are read with a size cap, so a huge file is
// refused by its size instead of being read whole.
import { rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AutoConfig,
  AutoModelForTokenClassification,
  CheckpointError,
  ConfigError,
} from '../../src/index.js';
import { useHostileSetup, tinyBertConfig, writeCheckpoint } from './hostile-fixtures.js';

const { folders } = useHostileSetup();

/** One byte over the 100 MB cap; sparse, so it costs no disk. */
const OVERSIZED = 100_000_001;

describe('checkpoint JSON files are read with a size cap (issue 14, item 5)', () => {
  it('a config.json over 100 MB is refused by its size, naming the file', async () => {
    const dir = writeCheckpoint(folders, tinyBertConfig());
    const path = join(dir, 'config.json');
    truncateSync(path, OVERSIZED);
    const error = await AutoConfig.fromPretrained(dir).catch((caught: unknown) => caught as Error);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      `${path}: config.json is ${OVERSIZED} bytes, above the 100000000-byte limit.`,
    );
  });

  it('a model.safetensors.index.json over 100 MB is refused by its size, naming the file', async () => {
    const dir = writeCheckpoint(folders, tinyBertConfig());
    rmSync(join(dir, 'model.safetensors'));
    const path = join(dir, 'model.safetensors.index.json');
    writeFileSync(path, '');
    truncateSync(path, OVERSIZED);
    const error = await AutoModelForTokenClassification.fromPretrained(dir).catch(
      (caught: unknown) => caught as Error,
    );
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toBe(
      `${path}: the index is ${OVERSIZED} bytes, above the 100000000-byte limit.`,
    );
  });

  it('an index that is JSON null is a CheckpointError, not a TypeError', async () => {
    const dir = writeCheckpoint(folders, tinyBertConfig());
    rmSync(join(dir, 'model.safetensors'));
    const path = join(dir, 'model.safetensors.index.json');
    writeFileSync(path, 'null');
    const error = await AutoModelForTokenClassification.fromPretrained(dir).catch(
      (caught: unknown) => caught as Error,
    );
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toBe(`${path}: missing "weight_map".`);
  });
});
