// The fused AdamW kernels a backend may provide (native and cuda do); their names are defined in @ner/models.
import {
  ADAMW_GRAD_MULTIPLIER_INPUT,
  type AdamWKernelAttrs,
  ADAMW_KERNEL as FUSED_ADAMW_KERNEL,
  ADAMW_MULTI_KERNEL,
  adamwMultiInputNames,
} from '@ner/models/internal';
import * as tf from '@tensorflow/tfjs-core';
import { checkAdamWStateDict } from './adamw-state-check.js';
import { OptimizerError } from './errors.js';

/** One parameter group as given to {@link AdamW} (torch's `{"params": [...], "weight_decay": ...}`). */
export interface ParamGroupInput {
  /** `[name, variable]` pairs; names key the gradients passed to `step`. */
  readonly params: readonly [string, tf.Variable][];
  readonly lr?: number;
  readonly weightDecay?: number;
  readonly betas?: readonly [number, number];
  readonly eps?: number;
}

/** Defaults of {@link AdamW}, torch's `AdamW(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2)`. */
export interface AdamWOptions {
  readonly lr?: number;
  readonly betas?: readonly [number, number];
  readonly eps?: number;
  readonly weightDecay?: number;
}

/** A resolved parameter group; `lr` is what schedulers change. */
export interface ParamGroup {
  readonly params: readonly [string, tf.Variable][];
  lr: number;
  /** The learning rate the group started with (torch's `initial_lr`, set by schedulers). */
  initialLr: number;
  weightDecay: number;
  betas: [number, number];
  eps: number;
}

/** Options of one {@link AdamW.step}. */
export interface AdamWStepOptions {
  /**
   * A float32 tensor of one element every gradient is multiplied by before the update (in
   * float32: the bits of a step given `tf.mul(grad, gradMultiplier)`): the Trainer's clipping
   * coefficient (`clipCoefficient` of `@ner/accelerate`), kept on the device. On a backend with
   * `NerAdamWMulti` the kernel reads it, with no pass over the gradients; elsewhere each
   * gradient is multiplied first.
   */
  readonly gradMultiplier?: tf.Tensor;
}

/** Per-weight optimizer state, as torch keeps it. */
interface ParamState {
  step: number;
  expAvg: tf.Variable;
  expAvgSq: tf.Variable;
}

/** A plain, serialisable snapshot of an {@link AdamW} (torch `optimizer.state_dict()`). */
export interface AdamWStateDict {
  paramGroups: {
    lr: number;
    initialLr: number;
    weightDecay: number;
    betas: [number, number];
    eps: number;
    params: string[];
  }[];
  state: Record<
    string,
    {
      step: number;
      expAvg: { shape: number[]; data: Float32Array };
      expAvgSq: { shape: number[]; data: Float32Array };
    }
  >;
}

/**
 * torch.optim.AdamW (torch 1.13, `amsgrad=False`, single-tensor path), step
 * for step:
 *
 *     p *= 1 - lr * weight_decay                    (decoupled decay, first)
 *     m = beta1 * m + (1 - beta1) * g
 *     v = beta2 * v + (1 - beta2) * g * g
 *     denom = sqrt(v) / sqrt(1 - beta2^t) + eps      (eps after the bias correction)
 *     p -= lr / (1 - beta1^t) * m / denom
 *
 * Weights without a gradient in a step are skipped (torch's `p.grad is None`)
 * and their step count does not advance.
 */
export class AdamW {
  readonly paramGroups: ParamGroup[];
  readonly defaults: Required<AdamWOptions>;
  private readonly state = new Map<string, ParamState>();

  constructor(
    params: readonly ParamGroupInput[] | readonly [string, tf.Variable][],
    options: AdamWOptions = {},
  ) {
    this.defaults = {
      lr: options.lr ?? 1e-3,
      betas: options.betas ?? [0.9, 0.999],
      eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 1e-2,
    };
    checkHyperparameters('AdamW', this.defaults);
    const groups: readonly ParamGroupInput[] = isGroupList(params) ? params : [{ params }];
    const seen = new Set<string>();
    this.paramGroups = groups.map((group, index) => {
      for (const [name] of group.params) {
        if (seen.has(name)) {
          throw new OptimizerError(
            `AdamW: parameter "${name}" appears in more than one group (group ${index}).`,
          );
        }
        seen.add(name);
      }
      const resolved = {
        lr: group.lr ?? this.defaults.lr,
        betas: group.betas ?? this.defaults.betas,
        eps: group.eps ?? this.defaults.eps,
        weightDecay: group.weightDecay ?? this.defaults.weightDecay,
      };
      checkHyperparameters(`AdamW group ${index}`, resolved);
      return {
        params: [...group.params],
        lr: resolved.lr,
        initialLr: resolved.lr,
        weightDecay: resolved.weightDecay,
        betas: [resolved.betas[0], resolved.betas[1]] as [number, number],
        eps: resolved.eps,
      };
    });
    if (seen.size === 0) throw new OptimizerError('AdamW: got an empty parameter list.');
  }

  /**
   * Applies one update with gradients keyed by parameter name. Disposes nothing it was given.
   *
   * On a backend with the fused kernels, float32 parameters take one pass over memory each
   * (`NerAdamW`); where the backend also registers `NerAdamWMulti`, all of them that own their
   * storage go in one kernel call at the end of the step (one tfjs call instead of one per
   * parameter, the same arithmetic). A gradient of the wrong shape throws {@link OptimizerError}
   * after the parameters before it were updated, as without the multi kernel.
   */
  step(grads: ReadonlyMap<string, tf.Tensor>, options: AdamWStepOptions = {}): void {
    const given = options.gradMultiplier;
    if (given !== undefined) checkGradMultiplier(given);
    // A scalar view (no copy): `[1]` times a rank-0 gradient would broadcast to `[1]`.
    const multiplier = given === undefined || given.rank === 0 ? given : tf.reshape(given, []);
    try {
      this.update(grads, multiplier);
    } finally {
      if (multiplier !== given) multiplier?.dispose();
    }
  }

  /** {@link step} with its multiplier checked and made a scalar. */
  private update(grads: ReadonlyMap<string, tf.Tensor>, multiplier: tf.Tensor | undefined): void {
    // Looked up once per step, not per parameter: the backend does not change mid-step.
    const backendName = tf.getBackend();
    const hasFusedKernel = tf.getKernel(FUSED_ADAMW_KERNEL, backendName) !== undefined;
    const batch: FusedUpdate[] | null =
      hasFusedKernel && tf.getKernel(ADAMW_MULTI_KERNEL, backendName) !== undefined ? [] : null;
    try {
      for (const group of this.paramGroups) {
        const [beta1, beta2] = group.betas;
        for (const [name, param] of group.params) {
          const grad = grads.get(name);
          if (grad === undefined) continue;
          if (!shapesEqual(grad.shape, param.shape)) {
            throw new OptimizerError(
              `AdamW.step: gradient of "${name}" has shape [${grad.shape}], the parameter has [${param.shape}].`,
            );
          }
          const state = this.stateOf(name, param);
          state.step += 1;
          const biasCorrection1 = 1 - beta1 ** state.step;
          const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** state.step);
          const stepSize = group.lr / biasCorrection1;
          const decayFactor = 1 - group.lr * group.weightDecay;
          if (hasFusedKernel && param.dtype === 'float32' && grad.dtype === 'float32') {
            const attrs = { decayFactor, beta1, beta2, biasCorrection2Sqrt, eps: group.eps, stepSize };
            // Deferred to the one multi-kernel call when it will run in place (each tensor owns its
            // storage, as after a first step); else alone, so a step never copies every parameter.
            if (batch !== null && ownsStorage(param, state)) batch.push({ param, grad, state, attrs });
            else if (multiplier === undefined) fusedStep(param, grad, state, attrs);
            else tf.tidy(() => fusedStep(param, tf.mul(grad, multiplier), state, attrs));
            continue;
          }
          tf.tidy(() => {
            const g = multiplier === undefined ? grad : tf.mul(grad, multiplier);
            const decayed = group.weightDecay !== 0 ? tf.mul(param, decayFactor) : param;
            const expAvg = tf.add(tf.mul(state.expAvg, beta1), tf.mul(g, 1 - beta1));
            const expAvgSq = tf.add(tf.mul(state.expAvgSq, beta2), tf.mul(tf.mul(g, 1 - beta2), g));
            const denom = tf.add(tf.div(tf.sqrt(expAvgSq), biasCorrection2Sqrt), group.eps);
            const updated = tf.add(decayed, tf.mul(tf.div(expAvg, denom), -stepSize));
            state.expAvg.assign(expAvg);
            state.expAvgSq.assign(expAvgSq);
            param.assign(updated);
          });
        }
      }
    } finally {
      // Also when a later gradient threw: the parameters before it are updated, as one by one.
      if (batch !== null && batch.length > 0) fusedMultiStep(batch, multiplier);
    }
  }

  /** The current learning rate of each group. */
  getLr(): number[] {
    return this.paramGroups.map((group) => group.lr);
  }

  /** A copy of the moments and hyper-parameters (torch `state_dict()`, keyed by name instead of index). */
  stateDict(): AdamWStateDict {
    const state: AdamWStateDict['state'] = {};
    for (const [name, entry] of this.state) {
      state[name] = {
        step: entry.step,
        expAvg: { shape: [...entry.expAvg.shape], data: entry.expAvg.dataSync() as Float32Array },
        expAvgSq: { shape: [...entry.expAvgSq.shape], data: entry.expAvgSq.dataSync() as Float32Array },
      };
    }
    return {
      paramGroups: this.paramGroups.map((group) => ({
        lr: group.lr,
        initialLr: group.initialLr,
        weightDecay: group.weightDecay,
        betas: [...group.betas] as [number, number],
        eps: group.eps,
        params: group.params.map(([name]) => name),
      })),
      state,
    };
  }

  /**
   * Throws {@link OptimizerError} naming the first value of `dict` that
   * {@link loadStateDict} could not restore (groups of other parameters, a
   * negative step, moments of another shape, a learning rate that is not a
   * number...); changes nothing.
   */
  checkStateDict(dict: unknown): asserts dict is AdamWStateDict {
    checkAdamWStateDict(dict, this.paramGroups);
  }

  /**
   * Restores a {@link stateDict} snapshot; groups must hold the same parameter
   * names. The whole snapshot is checked first ({@link checkStateDict}): a bad
   * one throws and leaves the optimizer as it was.
   */
  loadStateDict(dict: AdamWStateDict): void {
    this.checkStateDict(dict);
    dict.paramGroups.forEach((saved, index) => {
      const group = this.paramGroups[index]!;
      group.lr = saved.lr;
      group.initialLr = saved.initialLr;
      group.weightDecay = saved.weightDecay;
      group.betas = [...saved.betas];
      group.eps = saved.eps;
    });
    const params = new Map(this.paramGroups.flatMap((group) => group.params));
    for (const [name, saved] of Object.entries(dict.state)) {
      const state = this.stateOf(name, params.get(name)!);
      state.step = saved.step;
      tf.tidy(() => {
        state.expAvg.assign(tf.tensor(saved.expAvg.data, saved.expAvg.shape, 'float32'));
        state.expAvgSq.assign(tf.tensor(saved.expAvgSq.data, saved.expAvgSq.shape, 'float32'));
      });
    }
  }

  /** Frees the moment tensors. */
  dispose(): void {
    for (const entry of this.state.values()) {
      entry.expAvg.dispose();
      entry.expAvgSq.dispose();
    }
    this.state.clear();
  }

  private stateOf(name: string, param: tf.Variable): ParamState {
    let state = this.state.get(name);
    if (state === undefined) {
      // In a tidy: the zeros each variable starts from are freed once the variable holds them (a
      // variable shares its initial tensor's storage; kept, it would outlive the first update).
      state = tf.tidy(() => ({
        step: 0,
        expAvg: tf.variable(tf.zerosLike(param), false),
        expAvgSq: tf.variable(tf.zerosLike(param), false),
      }));
      this.state.set(name, state);
    }
    return state;
  }
}

/** One parameter's fused update, gathered for {@link fusedMultiStep}. */
interface FusedUpdate {
  readonly param: tf.Variable;
  readonly grad: tf.Tensor;
  readonly state: ParamState;
  readonly attrs: FusedScalars;
}

/** `NerAdamW`'s scalar attributes for one parameter at its current step. */
type FusedScalars = Omit<AdamWKernelAttrs, 'inPlace'>;

const FUSED_SCALARS = ['decayFactor', 'beta1', 'beta2', 'biasCorrection2Sqrt', 'eps', 'stepSize'] as const;

/** Whether the parameter and both moments are the sole owners of their storage (the kernel's in-place rule). */
function ownsStorage(param: tf.Variable, state: ParamState): boolean {
  const backend = tf.backend();
  return [param, state.expAvg, state.expAvgSq].every((t) => backend.refCount(t.dataId) === 1);
}

/**
 * One fused step: one pass over memory instead of about ten ops (a multiply by 1 when there is
 * no decay is exact). `inPlace`: the kernel updates the variables' own storage and returns
 * nothing when each owns it alone (as torch's in-place step); else it returns new tensors to
 * assign.
 */
function fusedStep(param: tf.Variable, grad: tf.Tensor, state: ParamState, attrs: FusedScalars): void {
  const outputs = tf
    .engine()
    .runKernel(
      FUSED_ADAMW_KERNEL,
      { param, grad, m: state.expAvg, v: state.expAvgSq },
      { ...attrs, inPlace: true },
    ) as tf.Tensor[];
  if (outputs.length === 0) return;
  assignOutputs(param, state, outputs);
}

/** All of `batch` in one `NerAdamWMulti` call (N `NerAdamW` steps), assigning outputs if not in place. */
function fusedMultiStep(batch: readonly FusedUpdate[], gradMultiplier: tf.Tensor | undefined): void {
  const inputs: Record<string, tf.Tensor> = {};
  if (gradMultiplier !== undefined) inputs[ADAMW_GRAD_MULTIPLIER_INPUT] = gradMultiplier;
  const attrs: Record<string, number[] | boolean> = { inPlace: true };
  for (const name of FUSED_SCALARS) attrs[name] = batch.map((update) => update.attrs[name]);
  batch.forEach(({ param, grad, state }, i) => {
    const [paramName, gradName, mName, vName] = adamwMultiInputNames(i);
    inputs[paramName] = param;
    inputs[gradName] = grad;
    inputs[mName] = state.expAvg;
    inputs[vName] = state.expAvgSq;
  });
  const outputs = tf.engine().runKernel(ADAMW_MULTI_KERNEL, inputs, attrs) as tf.Tensor[];
  if (outputs.length === 0) return;
  batch.forEach(({ param, state }, i) => {
    assignOutputs(param, state, outputs.slice(3 * i, 3 * i + 3));
  });
}

/** Assigns a fused step's new `[param, m, v]` and disposes them. */
function assignOutputs(param: tf.Variable, state: ParamState, outputs: readonly tf.Tensor[]): void {
  const [updated, expAvg, expAvgSq] = outputs as [tf.Tensor, tf.Tensor, tf.Tensor];
  state.expAvg.assign(expAvg);
  state.expAvgSq.assign(expAvgSq);
  param.assign(updated);
  tf.dispose([updated, expAvg, expAvgSq]);
}

/** A `gradMultiplier` is a float32 tensor of one element, else {@link OptimizerError} before any update. */
function checkGradMultiplier(multiplier: tf.Tensor): void {
  if (multiplier.isDisposed) throw new OptimizerError('AdamW.step: the gradMultiplier tensor is disposed.');
  if (multiplier.dtype !== 'float32' || multiplier.size !== 1) {
    throw new OptimizerError(
      `AdamW.step: gradMultiplier must be a float32 tensor of one element, got ${multiplier.dtype} of shape [${multiplier.shape}].`,
    );
  }
}

function isGroupList(
  params: readonly ParamGroupInput[] | readonly [string, tf.Variable][],
): params is readonly ParamGroupInput[] {
  return params.length > 0 && !Array.isArray(params[0]);
}

function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, i) => size === b[i]);
}

function checkHyperparameters(
  where: string,
  h: { lr: number; betas: readonly [number, number]; eps: number; weightDecay: number },
): void {
  // The same checks and wording as torch's constructor.
  if (!(h.lr >= 0)) throw new OptimizerError(`${where}: Invalid learning rate: ${h.lr}`);
  if (!(h.eps >= 0)) throw new OptimizerError(`${where}: Invalid epsilon value: ${h.eps}`);
  if (!(h.betas[0] >= 0 && h.betas[0] < 1))
    throw new OptimizerError(`${where}: Invalid beta parameter at index 0: ${h.betas[0]}`);
  if (!(h.betas[1] >= 0 && h.betas[1] < 1))
    throw new OptimizerError(`${where}: Invalid beta parameter at index 1: ${h.betas[1]}`);
  if (!(h.weightDecay >= 0))
    throw new OptimizerError(`${where}: Invalid weight_decay value: ${h.weightDecay}`);
}
