// bf16 autocast from the models' side: refused by backends without bf16 matmuls (with the
// backend's name), scoped (restored after nesting and after a throw), and on native a training
// step and an evaluation forward that really run in bf16: close to fp32, but not fp32.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AutoModelForTokenClassification,
  AutocastUnsupportedError,
  autocastSupported,
  matMulAutocast,
  withAutocast,
} from '../src/index.js';
import {
  ORACLE_BACKENDS,
  STRUCTURALLY_ZERO_GRADIENT,
  relativeError,
  restoreCpu,
  useBackend,
} from './backends.js';
import { modelDir, readInputs } from './oracle.js';

afterAll(restoreCpu);

describe('autocast on a backend without bf16 matmuls (cpu)', () => {
  it('is refused before anything runs, naming the backend', async () => {
    await tf.setBackend('cpu');
    expect(autocastSupported()).toBe(false);
    let ran = false;
    const attempt = () =>
      withAutocast('bf16', () => {
        ran = true;
      });
    expect(attempt).toThrow(AutocastUnsupportedError);
    expect(attempt).toThrow(/active backend 'cpu' has none/);
    expect(ran).toBe(false);
    expect(matMulAutocast()).toBeNull();
  });

  it('null runs the function unchanged', () => {
    expect(withAutocast(null, () => 42)).toBe(42);
  });
});

const describeNative = ORACLE_BACKENDS.includes('native') ? describe : describe.skip;

describeNative('autocast on native', () => {
  const inputs = readInputs('bert-token-cls');
  const batch = {
    input_ids: inputs.input_ids,
    attention_mask: inputs.attention_mask,
    token_type_ids: inputs.token_type_ids ?? null,
    labels: inputs.labels as number[][],
  };

  it('is scoped: nested calls and a throw restore what was before', async () => {
    await useBackend('native');
    expect(autocastSupported()).toBe(true);
    withAutocast('bf16', () => {
      expect(matMulAutocast()).toBe('bf16');
      withAutocast('bf16', () => expect(matMulAutocast()).toBe('bf16'));
      expect(matMulAutocast()).toBe('bf16');
    });
    expect(matMulAutocast()).toBeNull();
    expect(() =>
      withAutocast('bf16', () => {
        throw new Error('inside');
      }),
    ).toThrow('inside');
    expect(matMulAutocast()).toBeNull();
  });

  it('a training step: loss and gradients near fp32, not equal to it', async () => {
    await useBackend('native');
    const model = await AutoModelForTokenClassification.fromPretrained(modelDir('bert-token-cls'));
    const fp32 = model.computeGradients(batch, { training: false });
    const bf16 = withAutocast('bf16', () => model.computeGradients(batch, { training: false }));
    const [lossFp32, lossBf16] = [fp32.loss.dataSync()[0]!, bf16.loss.dataSync()[0]!];
    expect(lossBf16).not.toBe(lossFp32);
    expect(Math.abs(lossBf16 - lossFp32) / Math.abs(lossFp32)).toBeLessThan(1e-2);
    let worst = 0;
    let identical = 0;
    for (const [name, grad] of fp32.grads) {
      // Zero in exact arithmetic (see backends.ts): rounding noise on both sides.
      if (STRUCTURALLY_ZERO_GRADIENT.test(name)) continue;
      const other = bf16.grads.get(name)!;
      const error = relativeError(other.dataSync(), grad.dataSync());
      if (error === 0) identical++;
      worst = Math.max(worst, error);
    }
    // bf16 keeps 8 bits of mantissa: ~0.4% per operand, more where a gradient's terms cancel.
    expect(worst).toBeLessThan(0.05); // measured 0.0085 (2026-12-06)
    expect(identical).toBeLessThan(fp32.grads.size / 2);
    tf.dispose([fp32.loss, bf16.loss, ...fp32.grads.values(), ...bf16.grads.values()]);
    model.dispose();
  });

  it('evaluation (fused inference kernels) reads bf16 weights under autocast', async () => {
    await useBackend('native');
    const model = await AutoModelForTokenClassification.fromPretrained(modelDir('bert-token-cls'));
    const fp32 = model.forward(batch).logits;
    const bf16 = withAutocast('bf16', () => model.forward(batch).logits);
    const error = relativeError(bf16.dataSync(), fp32.dataSync());
    expect(error).toBeGreaterThan(0);
    expect(error).toBeLessThan(2e-2);
    // Off again: fp32 bit for bit.
    const again = model.forward(batch).logits;
    expect(Array.from(again.dataSync())).toEqual(Array.from(fp32.dataSync()));
    tf.dispose([fp32, bf16, again]);
    model.dispose();
  });
});
