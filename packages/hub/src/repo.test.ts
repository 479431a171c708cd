import { describe, expect, it } from 'vitest';
import { HubValidationError } from './errors.js';
import { normalizeEtag } from './file-metadata.js';
import { hubFileUrl, hubRevisionApiUrl, isCommitHash, repoFolderName, validateRepoId } from './repo.js';

describe('repo names as huggingface_hub spells them', () => {
  it('cache folder names', () => {
    expect(repoFolderName('bert-base-cased', 'model')).toBe('models--bert-base-cased');
    expect(repoFolderName('eriktks/conll2003', 'dataset')).toBe('datasets--eriktks--conll2003');
  });

  it('resolve URLs quote the revision whole and the file name per segment', () => {
    expect(
      hubFileUrl(
        'https://huggingface.co',
        'eriktks/conll2003',
        'dataset',
        'refs/convert/parquet',
        'conll2003/train/0000.parquet',
      ),
    ).toBe(
      'https://huggingface.co/datasets/eriktks/conll2003/resolve/refs%2Fconvert%2Fparquet/conll2003/train/0000.parquet',
    );
    expect(hubFileUrl('https://h', 'bert-base-cased', 'model', 'main', 'a b.json')).toBe(
      'https://h/bert-base-cased/resolve/main/a%20b.json',
    );
    expect(hubRevisionApiUrl('https://h', 'org/x', 'model', 'v1.0')).toBe(
      'https://h/api/models/org/x/revision/v1.0',
    );
  });

  it('commit hashes and etags', () => {
    expect(isCommitHash('a'.repeat(40))).toBe(true);
    expect(isCommitHash('main')).toBe(false);
    expect(normalizeEtag('W/"abc"')).toBe('abc');
    expect(normalizeEtag('"abc"')).toBe('abc');
    expect(normalizeEtag(null)).toBeUndefined();
  });

  it('rejects invalid repo ids', () => {
    for (const bad of ['a/b/c', 'a--b', 'a..b', '-a', 'a b', '']) {
      expect(() => validateRepoId(bad), bad).toThrow(HubValidationError);
    }
    expect(() => validateRepoId('org/name_1.2-x')).not.toThrow();
  });
});
