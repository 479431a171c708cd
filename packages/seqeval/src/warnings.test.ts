import { afterEach, describe, expect, it, vi } from 'vitest';
import { f1Score } from './scores.js';

describe('warnings without onWarning', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("print each distinct warning once per process, like Python's default filter", () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const data = [['Q-UNIQUE-TAG-FOR-THIS-TEST']];
    f1Score(data, data);
    f1Score(data, data);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith('UserWarning: Q-UNIQUE-TAG-FOR-THIS-TEST seems not to be NE tag.');
  });
});
