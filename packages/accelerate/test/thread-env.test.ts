import { describe, expect, it } from 'vitest';
import { threadEnv } from '../src/launcher/thread-env.js';

describe('threadEnv (threads per rank under ner-launch)', () => {
  it('gives each of N local ranks floor(cores / N) threads, at least one', () => {
    expect(threadEnv(2, {}, 16)).toEqual({ NER_NATIVE_THREADS: '8', OMP_NUM_THREADS: '8' });
    expect(threadEnv(3, {}, 16)).toEqual({ NER_NATIVE_THREADS: '5', OMP_NUM_THREADS: '5' });
    expect(threadEnv(4, {}, 2)).toEqual({ NER_NATIVE_THREADS: '1', OMP_NUM_THREADS: '1' });
  });

  it('leaves a single rank, and whatever the user set, alone', () => {
    expect(threadEnv(1, {}, 16)).toEqual({});
    expect(threadEnv(2, { NER_NATIVE_THREADS: '6' }, 16)).toEqual({ OMP_NUM_THREADS: '8' });
    expect(threadEnv(2, { NER_NATIVE_THREADS: '6', OMP_NUM_THREADS: '2' }, 16)).toEqual({});
    expect(threadEnv(2, { OMP_NUM_THREADS: '' }, 16)).toEqual({
      NER_NATIVE_THREADS: '8',
      OMP_NUM_THREADS: '8',
    });
  });
});
