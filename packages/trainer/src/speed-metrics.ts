/** Python's `round(x, digits)` for the metric values we report (half away from zero is close enough at these digits). */
export function roundTo(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/**
 * transformers `speed_metrics(split, start_time, num_samples, num_steps)`:
 * `<split>_runtime` (s, 4 digits), `<split>_samples_per_second` and
 * `<split>_steps_per_second` (3 digits).
 */
export function speedMetrics(
  split: string,
  startMs: number,
  numSamples?: number,
  numSteps?: number,
  nowMs: number = performance.now(),
): Record<string, number> {
  const runtime = (nowMs - startMs) / 1000;
  const out: Record<string, number> = { [`${split}_runtime`]: roundTo(runtime, 4) };
  if (runtime === 0) return out;
  if (numSamples !== undefined) out[`${split}_samples_per_second`] = roundTo(numSamples / runtime, 3);
  if (numSteps !== undefined) out[`${split}_steps_per_second`] = roundTo(numSteps / runtime, 3);
  return out;
}
