/**
 * The names and shapes of every weight a model class creates, computed from
 * the config alone (nothing is allocated). `fromPretrained` compares them with
 * the checkpoint header before building the model, so a config whose sizes do
 * not match the checkpoint fails fast instead of first allocating and
 * randomly initialising gigabytes; the configs use them to bound the total
 * weight count. A test checks these lists equal the constructed models'
 * `namedParameters()`, name for name and in order.
 */
import type { BertConfig } from './bert/config.js';
import { bertStackLayout } from './bert/encoder.js';
import type { DistilBertConfig } from './distilbert/config.js';
import { distilBertStackLayout } from './distilbert/transformer.js';
import type { LayerStackLayout, TransformerLayerNames } from './module-weights.js';

/** `[pytorchName, shape]` pairs in module (construction) order. */
export type ParameterShapeList = [string, number[]][];

/** Appends `Linear` and `LayerNorm` weight shapes under `prefix` to `out`. */
function shapeWriter(out: ParameterShapeList, prefix: string, hidden: number) {
  return {
    dense(name: string, rows: number, columns: number): void {
      out.push([`${prefix}${name}.weight`, [rows, columns]], [`${prefix}${name}.bias`, [rows]]);
    },
    norm(name: string): void {
      out.push([`${prefix}${name}.weight`, [hidden]], [`${prefix}${name}.bias`, [hidden]]);
    },
  };
}

/** `count` post-LayerNorm layers at `{layerPrefix}N.`, in `createTransformerLayer`'s order. */
function transformerLayerShapes(
  writer: ReturnType<typeof shapeWriter>,
  layerPrefix: string,
  count: number,
  names: TransformerLayerNames,
  hidden: number,
  intermediate: number,
): void {
  const { dense, norm } = writer;
  for (let i = 0; i < count; i++) {
    const base = `${layerPrefix}${i}.`;
    dense(`${base}${names.query}`, hidden, hidden);
    dense(`${base}${names.key}`, hidden, hidden);
    dense(`${base}${names.value}`, hidden, hidden);
    dense(`${base}${names.attentionOutput}`, hidden, hidden);
    norm(`${base}${names.attentionNorm}`);
    dense(`${base}${names.intermediate}`, intermediate, hidden);
    dense(`${base}${names.output}`, hidden, intermediate);
    norm(`${base}${names.outputNorm}`);
  }
}

/** Embedding tables (`[name, rows]` in construction order), their LayerNorm, then the layer stack. */
function encoderShapes(
  prefix: string,
  tables: readonly (readonly [name: string, rows: number])[],
  layout: LayerStackLayout,
): ParameterShapeList {
  const { hidden } = layout;
  const out: ParameterShapeList = tables.map(([name, rows]) => [
    `${prefix}embeddings.${name}.weight`,
    [rows, hidden],
  ]);
  const writer = shapeWriter(out, prefix, hidden);
  writer.norm('embeddings.LayerNorm');
  transformerLayerShapes(
    writer,
    layout.layerPrefix,
    layout.layers,
    layout.names,
    hidden,
    layout.intermediate,
  );
  return out;
}

/** Weights of `BertEncoder` under `prefix` (embeddings, layers, optional pooler). */
export function bertEncoderShapes(
  config: BertConfig,
  prefix: string,
  addPoolingLayer: boolean,
): ParameterShapeList {
  const tables = [
    ['word_embeddings', config.vocabSize],
    ['position_embeddings', config.maxPositionEmbeddings],
    ['token_type_embeddings', config.typeVocabSize],
  ] as const;
  const out = encoderShapes(prefix, tables, bertStackLayout(config));
  const hidden = config.hiddenSize;
  if (addPoolingLayer) shapeWriter(out, prefix, hidden).dense('pooler.dense', hidden, hidden);
  return out;
}

/** Weights of `DistilBertEncoder` under `prefix`. */
export function distilBertEncoderShapes(config: DistilBertConfig, prefix: string): ParameterShapeList {
  const tables = [
    ['word_embeddings', config.vocabSize],
    ['position_embeddings', config.maxPositionEmbeddings],
  ] as const;
  return encoderShapes(prefix, tables, distilBertStackLayout(config));
}

function classifier(
  out: ParameterShapeList,
  name: string,
  rows: number,
  columns: number,
): ParameterShapeList {
  out.push([`${name}.weight`, [rows, columns]], [`${name}.bias`, [rows]]);
  return out;
}

/**
 * The weights of model class `className` built from `config`, or `null` for a
 * class this list does not know (the loader then checks shapes as it builds).
 */
export function modelParameterShapes(
  className: string,
  config: BertConfig | DistilBertConfig,
): ParameterShapeList | null {
  const labels = config.numLabels;
  if (config.modelType === 'bert') {
    const bert = config as BertConfig;
    const hidden = bert.hiddenSize;
    switch (className) {
      case 'BertModel':
        return bertEncoderShapes(bert, '', true);
      case 'BertForTokenClassification':
        return classifier(bertEncoderShapes(bert, 'bert.', false), 'classifier', labels, hidden);
      case 'BertForSequenceClassification':
        return classifier(bertEncoderShapes(bert, 'bert.', true), 'classifier', labels, hidden);
      default:
        return null;
    }
  }
  const distil = config as DistilBertConfig;
  const dim = distil.dim;
  switch (className) {
    case 'DistilBertModel':
      return distilBertEncoderShapes(distil, '');
    case 'DistilBertForTokenClassification':
      return classifier(distilBertEncoderShapes(distil, 'distilbert.'), 'classifier', labels, dim);
    case 'DistilBertForSequenceClassification':
      return classifier(
        classifier(distilBertEncoderShapes(distil, 'distilbert.'), 'pre_classifier', dim, dim),
        'classifier',
        labels,
        dim,
      );
    default:
      return null;
  }
}

/** Total element count of a shape list (a float: exact below 2^53, which the limits keep us under). */
export function countParameters(shapes: ParameterShapeList): number {
  let total = 0;
  for (const [, shape] of shapes) total += shape.reduce((a, b) => a * b, 1);
  return total;
}
