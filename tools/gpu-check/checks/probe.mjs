#!/usr/bin/env node
// Step (a) of the GPU check: what the `cuda` backend finds. Records the package's cudaStatus(),
// the addon's probeCuda() (device name, compute capability, driver version, where the kernels came
// from, the libraries loaded), and one tiny product on `cuda` against `cpu`. Prints a summary and
// writes the results with `--json <file>`; `available: false` with the reason when there is no
// usable device (not built, no driver, no GPU).
import { compareValues, firstLine, randomArray, writeJsonResult } from '../lib/common.mjs';
import { fallbackCounts, loadCuda, plain, useCuda } from '../lib/cuda.mjs';
import { bundled, importCudaAddon, tf } from '../lib/deps.mjs';

const result = {
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  bundled,
  tfjsCore: tf.version_core,
  available: false,
  reason: null,
};

const cuda = await loadCuda();
result.status = cuda.status;
result.available = cuda.available;
result.reason = cuda.reason;
result.exports = cuda.module ? Object.keys(cuda.module).sort() : [];

const addon = await importCudaAddon();
if (addon.module && typeof addon.module.probeCuda === 'function') {
  try {
    const probe = await addon.module.probeCuda();
    if (probe?.available && probe.device) {
      const info = probe.device.info();
      result.addonProbe = { available: true, info: plain(info), memory: plain(probe.device.memGetInfo?.()) };
    } else {
      result.addonProbe = { available: false, reason: probe?.reason ?? 'probeCuda() gave no reason' };
    }
  } catch (error) {
    result.addonProbe = { available: false, reason: `probeCuda() threw: ${firstLine(error)}` };
  }
} else {
  result.addonProbe = { available: false, reason: addon.reason ?? 'dist/addon.js exports no probeCuda()' };
}
// The reason people need first: the addon's own when the package only says "unavailable".
if (
  !result.available &&
  result.addonProbe?.reason &&
  !String(result.reason).includes(result.addonProbe.reason)
) {
  result.reason = `${result.reason} (addon: ${result.addonProbe.reason})`;
}

if (result.available) {
  const ready = await useCuda();
  if (!ready.ok) {
    result.available = false;
    result.reason = ready.reason;
  } else {
    try {
      const a = randomArray(33 * 65, 1);
      const b = randomArray(65 * 17, 2);
      const onCuda = tf.tidy(() => tf.matMul(tf.tensor2d(a, [33, 65]), tf.tensor2d(b, [65, 17])).dataSync());
      await tf.setBackend('cpu');
      const onCpu = tf.tidy(() => tf.matMul(tf.tensor2d(a, [33, 65]), tf.tensor2d(b, [65, 17])).dataSync());
      await tf.setBackend('cuda');
      result.sanity = { matMul33x65x17: compareValues(onCuda, onCpu), memory: plain(tf.memory()) };
      result.fallbacks = fallbackCounts();
    } catch (error) {
      result.sanity = { error: firstLine(error) };
    }
  }
}

console.log(`node ${result.node} (${result.platform}), tfjs-core ${result.tfjsCore}, bundled ${bundled}`);
console.log(result.available ? 'cuda: available' : `cuda: ${result.reason}`);
if (result.addonProbe?.info) console.log(`device: ${JSON.stringify(result.addonProbe.info)}`);
if (result.sanity) console.log(`sanity: ${JSON.stringify(result.sanity)}`);
writeJsonResult(result);
