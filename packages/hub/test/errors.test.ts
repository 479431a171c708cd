// Every error class keeps its own name (set once in HubError) and is a HubError, so one
// `instanceof HubError` catches them all and logs say which one it was.
import { describe, expect, it } from 'vitest';
import * as hub from '../src/index.js';

const errorClasses = Object.entries(hub as Record<string, unknown>).filter(
  (entry): entry is [string, new (message: string) => Error] =>
    typeof entry[1] === 'function' && entry[1].prototype instanceof Error,
);

describe('hub errors', () => {
  it('exports the 17 classes of huggingface_hub.errors this package throws', () => {
    expect(errorClasses.map(([name]) => name).sort()).toEqual([
      'EntryNotFoundError',
      'GatedRepoError',
      'HubAuthError',
      'HubConflictError',
      'HubError',
      'HubHttpError',
      'HubIntegrityError',
      'HubPayloadTooLargeError',
      'HubResponseError',
      'HubResponseTooLargeError',
      'HubTimeoutError',
      'HubUploadError',
      'HubValidationError',
      'LocalEntryNotFoundError',
      'OfflineModeIsEnabled',
      'RepositoryNotFoundError',
      'RevisionNotFoundError',
    ]);
  });

  it.each(errorClasses)('%s: name, message and instanceof HubError', (name, ErrorClass) => {
    const error = new ErrorClass('what went wrong');
    expect(error.name).toBe(name);
    expect(error.message).toBe('what went wrong');
    expect(error).toBeInstanceOf(hub.HubError);
    expect(String(error)).toBe(`${name}: what went wrong`);
  });

  it('keeps the fields and the cause of the subclasses with constructors', () => {
    const cause = new Error('socket hang up');
    const timeout = new hub.HubTimeoutError('slow', 'http://hub/x', 50, { cause });
    expect([timeout.name, timeout.status, timeout.url, timeout.timeoutMs]).toEqual([
      'HubTimeoutError',
      0,
      'http://hub/x',
      50,
    ]);
    expect(timeout.cause).toBe(cause);
    expect(timeout).toBeInstanceOf(hub.HubHttpError);
    const upload = new hub.HubUploadError('refused', 413, 'model.safetensors');
    expect([upload.name, upload.status, upload.pathInRepo]).toEqual([
      'HubUploadError',
      413,
      'model.safetensors',
    ]);
  });
});
