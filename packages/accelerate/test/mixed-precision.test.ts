// Accelerator({ mixedPrecision }): accelerate's mixed_precision for the two precisions offered,
// from the option or ACCELERATE_MIXED_PRECISION (what ner-launch --mixed-precision sets), checked;
// computeGradients and autocast() run their matmuls under bf16 autocast exactly when asked, and
// a backend without bf16 matmuls refuses before the model runs.
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { type AutocastDtype, AutocastUnsupportedError, matMulAutocast } from '@ner/models';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Accelerator, AccelerateError } from '../src/index.js';

const saved = process.env.ACCELERATE_MIXED_PRECISION;
afterEach(() => {
  if (saved === undefined) delete process.env.ACCELERATE_MIXED_PRECISION;
  else process.env.ACCELERATE_MIXED_PRECISION = saved;
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

/** A model whose step records the matmul autocast it ran under. */
function recordingModel() {
  const seen: (string | null)[] = [];
  return {
    seen,
    computeGradients: () => {
      seen.push(matMulAutocast());
      return { loss: tf.scalar(1), grads: new Map<string, tf.Tensor>() };
    },
  };
}

describe('Accelerator mixedPrecision', () => {
  it("defaults to 'no', reads ACCELERATE_MIXED_PRECISION, and the option wins over it", () => {
    delete process.env.ACCELERATE_MIXED_PRECISION;
    expect(new Accelerator().mixedPrecision).toBe('no');
    process.env.ACCELERATE_MIXED_PRECISION = 'bf16';
    expect(new Accelerator().mixedPrecision).toBe('bf16');
    expect(new Accelerator({ mixedPrecision: 'no' }).mixedPrecision).toBe('no');
  });

  it('refuses what it cannot do, naming where the value came from', () => {
    expect(() => new Accelerator({ mixedPrecision: 'fp16' as never })).toThrow(AccelerateError);
    expect(() => new Accelerator({ mixedPrecision: 'fp16' as never })).toThrow(
      /mixedPrecision must be 'no' or 'bf16', got "fp16"/,
    );
    process.env.ACCELERATE_MIXED_PRECISION = 'fp8';
    expect(() => new Accelerator()).toThrow(/ACCELERATE_MIXED_PRECISION must be 'no' or 'bf16', got "fp8"/);
  });

  it("on cpu: 'bf16' is refused before the model runs, 'no' runs as before", async () => {
    await tf.setBackend('cpu');
    const model = recordingModel();
    await expect(new Accelerator({ mixedPrecision: 'bf16' }).computeGradients(model, {})).rejects.toThrow(
      AutocastUnsupportedError,
    );
    expect(model.seen).toEqual([]);
    const { loss } = await new Accelerator({ mixedPrecision: 'no' }).computeGradients(model, {});
    loss.dispose();
    expect(model.seen).toEqual([null]);
  });
});

/** The cpu backend with the autocast switch a bf16-capable backend has (native, cuda). */
class AutocastCpu extends MathBackendCPU {
  private dtype: AutocastDtype | null = null;
  setMatMulAutocast(dtype: AutocastDtype | null): void {
    this.dtype = dtype;
  }
  matMulAutocast(): AutocastDtype | null {
    return this.dtype;
  }
}
tf.registerBackend('autocast-cpu', () => new AutocastCpu());

describe('Accelerator mixedPrecision on a backend with bf16 matmuls', () => {
  it('computeGradients and autocast() run under bf16 autocast, and only they', async () => {
    await tf.setBackend('autocast-cpu');
    const accelerator = new Accelerator({ mixedPrecision: 'bf16' });
    const model = recordingModel();
    const { loss } = await accelerator.computeGradients(model, {});
    loss.dispose();
    expect(model.seen).toEqual(['bf16']);
    expect(accelerator.autocast(() => matMulAutocast())).toBe('bf16');
    expect(matMulAutocast()).toBeNull();
  });
});
