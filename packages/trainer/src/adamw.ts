// The fused AdamW kernel a backend may provide (the native backend does); its name is defined in @ner/models.
import { ADAMW_KERNEL as FUSED_ADAMW_KERNEL } from '@ner/models/internal';
import * as tf from '@tensorflow/tfjs-core';
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

  /** Applies one update with gradients keyed by parameter name. Disposes nothing it was given. */
  step(grads: ReadonlyMap<string, tf.Tensor>): void {
    // Looked up once per step, not per parameter: the backend does not change mid-step.
    const hasFusedKernel = tf.getKernel(FUSED_ADAMW_KERNEL, tf.getBackend()) !== undefined;
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
          // One pass over memory instead of about ten ops (a multiply by 1 when there is no decay is exact).
          // `inPlace`: the kernel updates the variables' own storage and returns nothing when each
          // owns it alone (as torch's in-place step); else it returns new tensors to assign.
          const outputs = tf
            .engine()
            .runKernel(
              FUSED_ADAMW_KERNEL,
              { param, grad, m: state.expAvg, v: state.expAvgSq },
              { decayFactor, beta1, beta2, biasCorrection2Sqrt, eps: group.eps, stepSize, inPlace: true },
            ) as tf.Tensor[];
          if (outputs.length === 0) continue;
          const [updated, expAvg, expAvgSq] = outputs;
          state.expAvg.assign(expAvg!);
          state.expAvgSq.assign(expAvgSq!);
          param.assign(updated!);
          tf.dispose([updated!, expAvg!, expAvgSq!]);
          continue;
        }
        tf.tidy(() => {
          const decayed = group.weightDecay !== 0 ? tf.mul(param, decayFactor) : param;
          const expAvg = tf.add(tf.mul(state.expAvg, beta1), tf.mul(grad, 1 - beta1));
          const expAvgSq = tf.add(tf.mul(state.expAvgSq, beta2), tf.mul(tf.mul(grad, 1 - beta2), grad));
          const denom = tf.add(tf.div(tf.sqrt(expAvgSq), biasCorrection2Sqrt), group.eps);
          const updated = tf.add(decayed, tf.mul(tf.div(expAvg, denom), -stepSize));
          state.expAvg.assign(expAvg);
          state.expAvgSq.assign(expAvgSq);
          param.assign(updated);
        });
      }
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

  /** Restores a {@link stateDict} snapshot; groups must hold the same parameter names. */
  loadStateDict(dict: AdamWStateDict): void {
    if (dict.paramGroups.length !== this.paramGroups.length) {
      throw new OptimizerError(
        `AdamW.loadStateDict: the snapshot has ${dict.paramGroups.length} parameter groups, the optimizer has ${this.paramGroups.length}.`,
      );
    }
    dict.paramGroups.forEach((saved, index) => {
      const group = this.paramGroups[index]!;
      const names = group.params.map(([name]) => name);
      if (names.length !== saved.params.length || names.some((name, i) => saved.params[i] !== name)) {
        throw new OptimizerError(
          `AdamW.loadStateDict: group ${index} holds different parameters than the snapshot.`,
        );
      }
      group.lr = saved.lr;
      group.initialLr = saved.initialLr;
      group.weightDecay = saved.weightDecay;
      group.betas = [...saved.betas];
      group.eps = saved.eps;
    });
    const params = new Map(this.paramGroups.flatMap((group) => group.params));
    for (const [name, saved] of Object.entries(dict.state)) {
      const param = params.get(name);
      if (param === undefined)
        throw new OptimizerError(`AdamW.loadStateDict: unknown parameter "${name}" in the snapshot.`);
      if (!shapesEqual(saved.expAvg.shape, param.shape) || !shapesEqual(saved.expAvgSq.shape, param.shape)) {
        throw new OptimizerError(
          `AdamW.loadStateDict: moments of "${name}" have shape [${saved.expAvg.shape}], the parameter has [${param.shape}].`,
        );
      }
      const state = this.stateOf(name, param);
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
      state = {
        step: 0,
        expAvg: tf.variable(tf.zerosLike(param), false),
        expAvgSq: tf.variable(tf.zerosLike(param), false),
      };
      this.state.set(name, state);
    }
    return state;
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
