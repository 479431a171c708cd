// Every error class keeps its own name (set once in HubError) and is a HubError, so one
// `instanceof HubError` catches them all and logs say which one it was.
import { describe, expect, it } from 'vitest';
import * as errors from '../src/errors.js';
import * as hub from '../src/index.js';

// errors.ts holds nothing but the error classes; each constructor takes the message first.
const errorClasses = Object.entries(errors) as [string, new (message: string) => Error][];

describe('hub errors', () => {
  it('exports its 17 classes (named after huggingface_hub.errors) from the package', () => {
    expect(errorClasses).toHaveLength(17);
    for (const [name, ErrorClass] of errorClasses) {
      expect(hub).toHaveProperty(name, ErrorClass);
    }
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
