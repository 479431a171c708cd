// new Accelerator(options) refuses option names it does not take, as accelerate's Accelerator
// refuses an unexpected keyword argument, instead of running without what was asked.
import { describe, expect, it } from 'vitest';
import { Accelerator, AccelerateError } from '../src/index.js';

describe('Accelerator option names', () => {
  it("names Python's spelling of an option with the name here", () => {
    expect(() => new Accelerator({ mixed_precision: 'bf16' } as object)).toThrow(
      "Accelerator: mixed_precision: unknown option; that is Python's spelling, here it is mixedPrecision",
    );
    expect(() => new Accelerator({ gradient_accumulation_steps: 2 } as object)).toThrow(AccelerateError);
  });

  it('suggests the closest name for a typo, and says why a Python option has no counterpart', () => {
    expect(() => new Accelerator({ evenBatch: false } as object)).toThrow(
      'Accelerator: evenBatch: unknown option; did you mean evenBatches?',
    );
    expect(() => new Accelerator({ cpu: true } as object)).toThrow(
      /^Accelerator: cpu: not supported here: tensors live on the active tfjs backend/,
    );
    expect(() => new Accelerator({ log_with: 'tensorboard' } as object)).toThrow(
      /log_with: not supported here/,
    );
    expect(() => new Accelerator(null as never)).toThrow('Accelerator: options must be an object, got null');
  });

  it('takes its own options, and Python options whose value asks for nothing', () => {
    const accelerator = new Accelerator({
      evenBatches: true,
      gradientAccumulationSteps: 2,
      ...{ cpu: false, split_batches: false, device_placement: true, mixedPrecision: undefined },
    });
    expect(accelerator.gradientAccumulationSteps).toBe(2);
    expect(new Accelerator().numProcesses).toBe(1);
  });
});
