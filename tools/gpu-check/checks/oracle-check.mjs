#!/usr/bin/env node
// Step (c) of the GPU check: the @ner/models oracle checks on `cuda`, TF32 off. For each Python
// oracle checkpoint (../shared/oracle/models, copied into the payload by pack.sh):
//   - forward (eval mode, hidden states and attentions on): every output Python saved, within
//     atol = rtol = NER_GPU_ORACLE_TOL (1e-4) elementwise, and the loss within 1e-4 relative;
//     the worst ratio at 1e-5 (the cpu/wasm/native suites' tolerance) is recorded too;
//   - gradients of the three trained checkpoints (train/grads_step1.safetensors): each within 1e-4
//     of its norm (as packages/models/test/backends.ts: structurally zero key biases must be
//     rounding noise on both sides);
//   - the same checkpoints with every parameter replaced by seeded random nonzero values (the
//     oracle's Linear biases are all zero, which hides bias bugs): forward and gradients on
//     `cuda` against `cpu`;
//   - the tensor count is the same before and after (no leaks);
//   - bf16 autocast (`withAutocast('bf16')`) on the trained checkpoints: loss and gradients on `cuda`
//     against the same step on the package's FakeCudaDevice (registered as a second backend, whose
//     products are float64 sums of the same bf16-rounded operands), within NER_GPU_ORACLE_BF16_TOL
//     (2e-3) of each gradient's norm; the loss must differ from the fp32 loss (autocast applied)
//     by under 2e-2 relative.
//
//   node tools/gpu-check/checks/oracle-check.mjs [--json out.json]     (NER_SHARED_DIR: fixtures)
import { readFileSync } from 'node:fs';
import { compareValues, envNumber, firstLine, norm, sharedPath, writeJsonResult } from '../lib/common.mjs';
import { countsDelta, fallbackCounts, loadCuda, useCuda } from '../lib/cuda.mjs';
import { models, tf } from '../lib/deps.mjs';

const tol = envNumber('NER_GPU_ORACLE_TOL', 1e-4);
const GRADIENT_TOL = 1e-4;
const BF16_TOL = envNumber('NER_GPU_ORACLE_BF16_TOL', 2e-3);
const STRUCTURALLY_ZERO = /\.attention\.(self\.key|k_lin)\.bias$/;

function readTensors(...parts) {
  const path = sharedPath('oracle', 'models', ...parts);
  const file = models.parseSafetensors(readFileSync(path), path);
  const out = new Map();
  for (const [name, entry] of file.tensors)
    out.set(name, { shape: [...entry.shape], data: models.entryToFloat32(entry, name) });
  return out;
}

/** Largest |a - b| / (atol + rtol |b|) (<= 1 is within tolerance) and the largest |a - b|. */
function worstError(actual, expected, atol, rtolValue) {
  let worst = 0;
  let maxAbs = 0;
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    maxAbs = Math.max(maxAbs, diff);
    worst = Math.max(worst, diff / (atol + rtolValue * Math.abs(expected[i])));
  }
  return { ratio: worst, maxAbs };
}

function namedOutputs(output) {
  const named = new Map([['logits', output.logits]]);
  if (output.loss) named.set('loss', output.loss);
  for (const [i, t] of (output.hiddenStates ?? []).entries()) named.set(`hidden_states.${i}`, t);
  for (const [i, t] of (output.attentions ?? []).entries()) named.set(`attentions.${i}`, t);
  return named;
}

function batchFrom(inputs) {
  const labels = tf.tensor(inputs.labels, undefined, inputs.labels_dtype === 'float32' ? 'float32' : 'int32');
  return {
    input_ids: inputs.input_ids,
    attention_mask: inputs.attention_mask,
    token_type_ids: inputs.token_type_ids ?? null,
    labels,
  };
}

async function load(name, info) {
  const auto =
    info.task === 'token'
      ? models.AutoModelForTokenClassification
      : models.AutoModelForSequenceClassification;
  return auto.fromPretrained(sharedPath('oracle', 'models', name), { logger: { warn: () => {} } });
}

/**
 * Gradients relative to their own norms, as the models package's oracle suite compares them;
 * structurally zero ones must be under `zeroTol` of the largest norm (rounding noise).
 */
function compareGradients(actual, expected, gradientTol = GRADIENT_TOL, zeroTol = 1e-6) {
  const scale = Math.max(...[...expected.values()].map(norm));
  const failures = [];
  let worst = 0;
  for (const [key, want] of expected) {
    const got = actual.get(key);
    if (!got) {
      failures.push(`${key}: missing`);
      continue;
    }
    if (STRUCTURALLY_ZERO.test(key)) {
      if (norm(got) > zeroTol * scale) failures.push(`${key}: should be rounding noise, norm ${norm(got)}`);
      continue;
    }
    const { normRel } = compareValues(got, want);
    worst = Math.max(worst, normRel);
    if (!(normRel <= gradientTol)) failures.push(`${key}: relative error ${normRel.toExponential(2)}`);
  }
  for (const key of actual.keys()) if (!expected.has(key)) failures.push(`${key}: not in the reference`);
  return { ok: failures.length === 0, worst, compared: expected.size, failures: failures.slice(0, 10) };
}

const gradientValues = (grads) => new Map([...grads].map(([k, g]) => [k, g.dataSync().slice()]));

/** mulberry32-style values: nonzero biases and betas, LayerNorm gains near 1, weights of std 0.2. */
function randomizeParameters(model, seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (const [name, variable] of model.namedParameters()) {
    const values = new Float32Array(variable.size);
    const isNorm = /(LayerNorm|layer_norm)\.weight$/.test(name);
    for (let i = 0; i < values.length; i++) {
      if (isNorm) values[i] = 0.5 + next();
      else if (name.endsWith('.bias')) values[i] = (next() < 0.5 ? -1 : 1) * (0.1 + 0.5 * next());
      else values[i] = (2 * next() - 1) * 0.2 * Math.sqrt(3);
    }
    tf.tidy(() => variable.assign(tf.tensor(values, variable.shape)));
  }
}

async function randomBiasRun(backend, name, info, inputs) {
  await tf.setBackend(backend);
  const model = await load(name, info);
  randomizeParameters(model, 4321);
  const batch = batchFrom(inputs);
  const output = model.forward(batch, { training: false, outputHiddenStates: true, outputAttentions: true });
  const forward = new Map([...namedOutputs(output)].map(([k, t]) => [k, t.dataSync().slice()]));
  tf.dispose(output);
  const { loss, grads } = model.computeGradients(batch, { training: false });
  const values = { forward, loss: loss.dataSync()[0], grads: gradientValues(grads) };
  tf.dispose([loss, ...grads.values(), batch.labels]);
  model.dispose();
  return values;
}

/** Loss and gradients of the first training batch under bf16 autocast on `backend`. */
async function bf16Step(backend, name, info) {
  await tf.setBackend(backend);
  const model = await load(name, info);
  const batches = JSON.parse(
    readFileSync(sharedPath('oracle', 'models', name, 'train', 'batches.json'), 'utf8'),
  );
  const batch = batchFrom(Array.isArray(batches) ? batches[0] : batches.batches[0]);
  const before = tf.memory().numTensors;
  const { loss, grads } = models.withAutocast('bf16', () =>
    model.computeGradients(batch, { training: false }),
  );
  const values = { loss: loss.dataSync()[0], grads: gradientValues(grads) };
  tf.dispose([loss, ...grads.values()]);
  values.leaked = tf.memory().numTensors - before;
  tf.dispose(batch.labels);
  model.dispose();
  return values;
}

/** The FakeCudaDevice as a second backend (`cuda-fake-bf16`), the reference of the bf16 step. */
async function fakeBf16Backend() {
  const { module } = await loadCuda();
  if (typeof module?.registerCudaBackend !== 'function' || typeof module?.FakeCudaDevice !== 'function')
    throw new Error('the cuda package exports no registerCudaBackend / FakeCudaDevice');
  const name = 'cuda-fake-bf16';
  if (!tf.findBackendFactory(name))
    module.registerCudaBackend({
      name,
      device: new module.FakeCudaDevice({ capacityBytes: 2 ** 30 }),
      priority: -1,
    });
  return name;
}

const result = {
  tol,
  gradientTol: GRADIENT_TOL,
  bf16Tol: BF16_TOL,
  models: {},
  passed: 0,
  failed: 0,
  bf16: { passed: 0, failed: 0 },
};
const cuda = await useCuda({ tf32: false });
result.cuda = cuda.ok ? 'available' : cuda.reason;
if (!cuda.ok) {
  console.log(`oracle check skipped: ${cuda.reason}`);
  writeJsonResult({ ...result, skippedReason: cuda.reason });
  process.exit(0);
}
const manifest = JSON.parse(readFileSync(sharedPath('oracle', 'models', 'manifest.json'), 'utf8'));
const fallbacksBefore = fallbackCounts();
for (const [name, info] of Object.entries(manifest.models)) {
  const entry = {};
  result.models[name] = entry;
  const inputs = JSON.parse(readFileSync(sharedPath('oracle', 'models', name, 'inputs.json'), 'utf8'));
  // Forward against Python.
  try {
    await tf.setBackend('cuda');
    const model = await load(name, info);
    const expected = readTensors(name, 'outputs.safetensors');
    const batch = batchFrom(inputs);
    const before = tf.memory().numTensors;
    const output = model.forward(batch, {
      training: false,
      outputHiddenStates: true,
      outputAttentions: true,
    });
    const actual = namedOutputs(output);
    const outputs = {};
    let ok = true;
    let worstAt1e5 = 0;
    for (const [key, want] of expected) {
      const got = actual.get(key);
      if (!got) {
        outputs[key] = 'missing';
        ok = false;
        continue;
      }
      if (got.shape.join(',') !== want.shape.join(',')) {
        outputs[key] = `shape [${got.shape}] vs [${want.shape}]`;
        ok = false;
        continue;
      }
      const values = got.dataSync();
      const { ratio, maxAbs } = worstError(values, want.data, tol, tol);
      worstAt1e5 = Math.max(worstAt1e5, worstError(values, want.data, 1e-5, 1e-5).ratio);
      outputs[key] = { ratio, maxAbs };
      if (!(ratio <= 1)) ok = false;
    }
    const lossRel = Math.abs(output.loss.dataSync()[0] - info.loss) / Math.abs(info.loss);
    if (!(lossRel < tol)) ok = false;
    tf.dispose(output);
    const leaked = tf.memory().numTensors - before;
    tf.dispose(batch.labels);
    model.dispose();
    if (leaked !== 0) ok = false;
    entry.forward = { ok, lossRel, worstRatioAt1e5: worstAt1e5, leakedTensors: leaked, outputs };
  } catch (error) {
    entry.forward = { ok: false, error: firstLine(error) };
  }
  // Gradients against Python.
  if (info.train) {
    try {
      await tf.setBackend('cuda');
      const model = await load(name, info);
      const batches = JSON.parse(
        readFileSync(sharedPath('oracle', 'models', name, 'train', 'batches.json'), 'utf8'),
      );
      const first = Array.isArray(batches) ? batches[0] : batches.batches[0];
      const batch = batchFrom(first);
      const before = tf.memory().numTensors;
      const { loss, grads } = model.computeGradients(batch, { training: false });
      const lossRel = Math.abs(loss.dataSync()[0] - info.loss) / Math.abs(info.loss);
      const expected = readTensors(name, 'train', 'grads_step1.safetensors');
      const cmp = compareGradients(
        gradientValues(grads),
        new Map([...expected].map(([k, t]) => [k, t.data])),
      );
      tf.dispose([loss, ...grads.values()]);
      const again = model.computeGradients(batch, { training: true });
      tf.dispose([again.loss, ...again.grads.values()]);
      const leaked = tf.memory().numTensors - before;
      tf.dispose(batch.labels);
      model.dispose();
      entry.gradients = {
        ...cmp,
        ok: cmp.ok && lossRel < 1e-5 && leaked === 0,
        lossRel,
        leakedTensors: leaked,
      };
    } catch (error) {
      entry.gradients = { ok: false, error: firstLine(error) };
    }
  }
  // bf16 autocast: cuda against the fake device's float64 sums of the same rounded operands.
  if (info.train) {
    try {
      const reference = await bf16Step(await fakeBf16Backend(), name, info);
      const actual = await bf16Step('cuda', name, info);
      const grads = compareGradients(actual.grads, reference.grads, BF16_TOL, 1e-2);
      const lossRel = Math.abs(actual.loss - reference.loss) / Math.abs(reference.loss);
      const vsFp32 = Math.abs(actual.loss - info.loss) / Math.abs(info.loss);
      entry.bf16VsFake = {
        ok: grads.ok && lossRel < BF16_TOL && vsFp32 > 0 && vsFp32 < 2e-2 && actual.leaked === 0,
        lossRel,
        lossVsFp32: vsFp32,
        leakedTensors: actual.leaked,
        gradients: grads,
      };
    } catch (error) {
      entry.bf16VsFake = { ok: false, error: firstLine(error) };
    }
  }
  // Random nonzero parameters: cuda against cpu.
  try {
    const reference = await randomBiasRun('cpu', name, info, inputs);
    const actual = await randomBiasRun('cuda', name, info, inputs);
    let worstForward = 0;
    for (const [key, want] of reference.forward) {
      const got = actual.forward.get(key);
      worstForward = Math.max(
        worstForward,
        got ? compareValues(got, want).normRel : Number.POSITIVE_INFINITY,
      );
    }
    const grads = compareGradients(actual.grads, reference.grads);
    const lossRel = Math.abs(actual.loss - reference.loss) / Math.abs(reference.loss);
    entry.randomBiasVsCpu = {
      ok: worstForward <= 1e-5 && grads.ok && lossRel < 1e-5,
      worstForward,
      lossRel,
      gradients: grads,
    };
  } catch (error) {
    entry.randomBiasVsCpu = { ok: false, error: firstLine(error) };
  }
  await tf.setBackend('cuda');
  for (const [part, r] of Object.entries(entry)) {
    // bf16 is counted apart, so passed / failed (and the report's 1e-4 verdict) stay fp32's.
    const counts = part === 'bf16VsFake' ? result.bf16 : result;
    if (r.ok) counts.passed += 1;
    else counts.failed += 1;
    console.log(
      `${r.ok ? 'ok  ' : 'FAILED'} ${name} ${part}${r.error ? `: ${r.error}` : ''}${r.failures?.length ? `: ${r.failures.join('; ')}` : ''}`,
    );
  }
}
result.fallbacks = countsDelta(fallbacksBefore, fallbackCounts());
console.log(
  `\n${result.passed} passed, ${result.failed} failed (forward tolerance ${tol}, gradients ${GRADIENT_TOL}, TF32 off); bf16 against the fake device: ${result.bf16.passed} passed, ${result.bf16.failed} failed (${BF16_TOL})`,
);
writeJsonResult(result);
process.exit(result.failed + result.bf16.failed > 0 ? 1 : 0);
