// GPU timers: CudaBackend.time runs tf.time and tf.profile's per-kernel times on the device's
// timers (timing events on a GPU; on the fake device a clock that runs only while it works), frees
// every timer it starts, and keeps the old synchronize-and-wall-clock answer on a device without
// timers. The addon's own timers are checked on the host stand-in driver (native/host-stub-device).
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_GPU_TIMERS } from '../src/device.js';
import { CudaAbiError } from '../src/errors.js';
import { FakeCudaDevice } from '../src/fake/fake-device.js';
import { registerCudaBackend } from '../src/register.js';
import { uniform } from './compare.js';
import { onRealGpu, useFakeCuda } from './fake-backend.js';

let device: FakeCudaDevice;
beforeAll(async () => {
  device = await useFakeCuda();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

const square = (n: number, seed: number) => tf.tensor2d(uniform(n * n, seed, -1, 1), [n, n]);

describe('tf.time and tf.profile on cuda', () => {
  it('times the work f queued, and nothing when it queued none', async () => {
    const a = square(96, 1);
    const b = square(96, 2);
    let product: tf.Tensor | null = null;
    const busy = await tf.time(() => {
      product = tf.matMul(tf.matMul(a, b), b);
    });
    expect(busy.kernelMs).toBeGreaterThan(0);
    expect(busy.wallMs).toBeGreaterThanOrEqual(0);
    const idle = await tf.time(() => {});
    if (!onRealGpu) expect(idle.kernelMs).toBe(0);
    expect(idle.kernelMs).toBeLessThan(busy.kernelMs as number);
    expect(product!.shape).toEqual([96, 96]);
    tf.dispose([a, b, product!]);
    if (!onRealGpu) expect(device.timersInFlight).toBe(0);
  });

  it('gives tf.profile a GPU time per kernel that adds up to the time of the whole', async () => {
    const x = square(64, 3);
    const w = square(64, 4);
    const bias = tf.tensor1d(uniform(64, 5, -1, 1));
    const run = () => tf.softmax(tf.relu(tf.add(tf.matMul(x, w), bias)));
    const outer = device.startTimer!();
    const profile = await tf.profile(() => run());
    device.stopTimer!(outer);
    const whole = device.readTimer!(outer);
    const names = profile.kernels.map((k) => k.name);
    expect(names).toEqual(expect.arrayContaining(['BatchMatMul', 'Add', 'Relu', 'Softmax']));
    const times = profile.kernels.map((k) => k.kernelTimeMs as number);
    for (const t of times) expect(t).toBeGreaterThanOrEqual(0);
    const sum = times.reduce((p, t) => p + t, 0);
    expect(sum).toBeGreaterThan(0);
    // The fake's clock runs only while it works, and the profiled kernels are all of that work.
    if (!onRealGpu) expect(sum).toBeCloseTo(whole, 6);
    else expect(sum).toBeLessThanOrEqual(whole * 1.01 + 0.01);
    tf.dispose([x, w, bias, profile.result as tf.Tensor]);
    if (!onRealGpu) expect(device.timersInFlight).toBe(0);
  });

  it('frees the timer and passes on the error when f throws', async () => {
    const boom = new Error('boom');
    await expect(
      tf.time(() => {
        tf.add(tf.scalar(1), tf.scalar(2)).dispose();
        throw boom;
      }),
    ).rejects.toBe(boom);
    if (!onRealGpu) expect(device.timersInFlight).toBe(0);
  });
});

describe.skipIf(onRealGpu)('the fake device timers', () => {
  it('refuses unknown, unstopped and twice-stopped timers as the addon does', () => {
    const fake = new FakeCudaDevice();
    expect(() => fake.stopTimer(12345)).toThrow(new CudaAbiError('stopTimer: no timer 12345 was started'));
    const t = fake.startTimer();
    expect(() => fake.readTimer(t)).toThrow(`readTimer: timer ${t} was not stopped`);
    fake.stopTimer(t);
    expect(() => fake.stopTimer(t)).toThrow(`stopTimer: timer ${t} was already stopped`);
    expect(fake.readTimer(t)).toBe(0);
    expect(() => fake.readTimer(t)).toThrow(`readTimer: no timer ${t} was started`);
    expect(fake.timersInFlight).toBe(0);
  });

  it(`refuses a timer past ${MAX_GPU_TIMERS} unread ones, and takes one again once one is read`, () => {
    const fake = new FakeCudaDevice();
    let last = 0;
    for (let i = 0; i < MAX_GPU_TIMERS; i++) last = fake.startTimer();
    expect(() => fake.startTimer()).toThrow(/GPU timers: 1048576 started and not read/);
    fake.stopTimer(last);
    fake.readTimer(last);
    expect(() => fake.startTimer()).not.toThrow();
  });

  it('synchronizes and takes the wall time on a device without timers', async () => {
    const plain = new FakeCudaDevice();
    Object.assign(plain, { startTimer: undefined, stopTimer: undefined, readTimer: undefined });
    registerCudaBackend({ device: plain });
    await tf.setBackend('cuda');
    plain.resetCounters();
    const a = square(32, 6);
    const timing = await tf.time(() => tf.matMul(a, a).dispose());
    expect(timing.kernelMs).toBeGreaterThan(0);
    expect(plain.counters.syncs).toBe(2);
    a.dispose();
    device = await useFakeCuda();
  });
});
