import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { DatasetFormatError, readParquet } from '../../src/index.js';
import { tempFolder } from '../temp-folder.js';

const folder = tempFolder('ner-ds-hostile-pq-meta-');

describe('Parquet: the huggingface metadata nests a bounded depth', () => {
  it('features nested 20,000 lists deep are a DatasetFormatError, not a stack overflow', async () => {
    const depth = 20_000;
    const feature = `${'['.repeat(depth)}{"dtype": "string", "_type": "Value"}${']'.repeat(depth)}`;
    const path = join(folder, 'deep.parquet');
    writeFileSync(
      path,
      new Uint8Array(
        parquetWriteBuffer({
          columnData: [{ name: 'text', data: ['a'], type: 'STRING' }],
          kvMetadata: [{ key: 'huggingface', value: `{"info": {"features": {"text": ${feature}}}}` }],
        }),
      ),
    );
    const error = await readParquet(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetFormatError);
    expect((error as Error).message).toBe(
      `${path}: "huggingface" metadata: field "info": JSON nested deeper than 100 levels (option maxJsonDepth).`,
    );
  });
});
