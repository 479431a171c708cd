import type * as tf from '@tensorflow/tfjs-core';
import { OptimizerError } from './errors.js';
import type { ParamGroupInput } from './adamw.js';

/** A model that can tell which weights live in LayerNorm modules. */
export interface ModelWithParameters {
  namedParameters(): [string, tf.Variable][];
  parameterModuleTypes?(): ReadonlyMap<string, string>;
}

/**
 * transformers 4.38 `Trainer.get_decay_parameter_names`: weights that are not
 * inside a LayerNorm module and whose name has no "bias". The LayerNorm test
 * uses the model's module type of each weight, not its name, so DistilBERT's
 * `sa_layer_norm` / `output_layer_norm` are found as in Python.
 */
export function getDecayParameterNames(model: ModelWithParameters): string[] {
  const types = model.parameterModuleTypes?.();
  if (types === undefined) {
    throw new OptimizerError(
      'getDecayParameterNames: the model has no parameterModuleTypes(), so LayerNorm weights cannot be told apart; ' +
        "use nameRuleParameterGroups() (the example scripts' name rule) instead.",
    );
  }
  return model
    .namedParameters()
    .map(([name]) => name)
    .filter((name) => types.get(name) !== 'LayerNorm' && !name.includes('bias'));
}

/**
 * The Trainer's two AdamW groups (`create_optimizer`): `weightDecay` on the
 * decay names, 0 on the rest; only trainable weights.
 */
export function trainerParameterGroups(model: ModelWithParameters, weightDecay: number): ParamGroupInput[] {
  const decay = new Set(getDecayParameterNames(model));
  const params = model.namedParameters().filter(([, variable]) => variable.trainable);
  return [
    { params: params.filter(([name]) => decay.has(name)), weightDecay },
    { params: params.filter(([name]) => !decay.has(name)), weightDecay: 0 },
  ];
}

/**
 * The run_ner example scripts' rule: no decay when the name contains any of
 * `noDecay` (default `["bias", "LayerNorm.weight"]`). Note it misses
 * DistilBERT's `sa_layer_norm` / `output_layer_norm`, as in Python.
 */
export function nameRuleParameterGroups(
  model: Pick<ModelWithParameters, 'namedParameters'>,
  weightDecay: number,
  noDecay: readonly string[] = ['bias', 'LayerNorm.weight'],
): ParamGroupInput[] {
  const params = model.namedParameters().filter(([, variable]) => variable.trainable);
  const skip = (name: string) => noDecay.some((part) => name.includes(part));
  return [
    { params: params.filter(([name]) => !skip(name)), weightDecay },
    { params: params.filter(([name]) => skip(name)), weightDecay: 0 },
  ];
}
