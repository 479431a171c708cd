import type { FeatureRow } from './columns.js';
import { CollateConfigError, assertInteger } from './errors.js';
import { HostTensor } from './host-tensor.js';
import { Mt19937 } from './mt19937.js';
import { type CollatedBatch, padFeaturesDetailed } from './pad-features.js';
import { PaddedCollator, type PaddedCollatorOptions } from './padded-collator.js';
import { type BatchAs, type ReturnTensors, finishBatch } from './return-tensors.js';
import { checkOptionNames } from './option-names.js';

/** Options of {@link DataCollatorForLanguageModeling}. */
export interface LanguageModelingCollatorOptions<R extends ReturnTensors = 'typed'>
  extends PaddedCollatorOptions<R> {
  /** Masked language modeling (default true); false gives causal-LM labels (the inputs, padding -100). */
  mlm?: boolean;
  /** `tokenizer.mask_token_id`; required when `mlm` is true. */
  maskTokenId?: number;
  /** `len(tokenizer)`: random replacements are drawn from `[0, vocabSize)`. Required when `mlm` is true. */
  vocabSize?: number;
  /**
   * `tokenizer.all_special_ids` (for BERT: `[UNK]`, `[SEP]`, `[PAD]`, `[CLS]`, `[MASK]`): never masked,
   * as Python's `get_special_tokens_mask`. A `special_tokens_mask` column in the rows is used instead
   * when present (and left out of the batch, as Python pops it). Padding is never masked either way.
   */
  specialTokenIds?: readonly number[];
  /** Share of the (non-special) tokens chosen for prediction (`mlm_probability`, default 0.15). */
  mlmProbability?: number;
  /** Share of the chosen tokens replaced by `[MASK]` (`mask_replace_prob`, default 0.8). */
  maskReplaceProb?: number;
  /** Share of the chosen tokens replaced by a random token (`random_replace_prob`, default 0.1); the rest stay. */
  randomReplaceProb?: number;
  /** Seeds the masking draws (default 42); each `collate` call continues the same stream. */
  seed?: number;
}

const TWO_POW_32 = 2 ** 32;
const MASKABLE = 0;
const SPECIAL = 1;
const PADDING = 2;

function checkProbability(option: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0 && value <= 1)) {
    throw new CollateConfigError(option, `expected a probability in [0, 1], got ${String(value)}`);
  }
}

/**
 * transformers' `DataCollatorForLanguageModeling`: pads the rows like `tokenizer.pad`, then (with
 * `mlm`) chooses each non-special, non-padding token with probability `mlmProbability`; a chosen token
 * keeps its id as its label and is replaced by `[MASK]` (80%), a random token (10%) or left as it is
 * (10%); every other label is -100. Any `labels` column in the rows is replaced, as in Python.
 *
 * The draws come from a seeded Mersenne Twister in this collator: the same seed gives the same masks
 * call after call, but not the masks torch's generator would draw.
 *
 * @example
 * const collator = new DataCollatorForLanguageModeling({ padTokenId: 0, maskTokenId: 103, vocabSize: 28996, specialTokenIds: [0, 100, 101, 102, 103] });
 * const batch = collator.collate(rows); // batch.labels: token ids where masked, -100 elsewhere
 */
export class DataCollatorForLanguageModeling<R extends ReturnTensors = 'typed'> extends PaddedCollator<R> {
  readonly mlm: boolean;
  readonly mlmProbability: number;
  readonly maskReplaceProb: number;
  readonly randomReplaceProb: number;
  private readonly maskTokenId: number;
  private readonly vocabSize: number;
  private readonly specialIds: ReadonlySet<number>;
  private readonly random: Mt19937;

  constructor(options: LanguageModelingCollatorOptions<R> = {}) {
    checkOptionNames(options, 'DataCollatorForLanguageModeling');
    super(options);
    this.mlm = options.mlm ?? true;
    this.mlmProbability = options.mlmProbability ?? 0.15;
    this.maskReplaceProb = options.maskReplaceProb ?? 0.8;
    this.randomReplaceProb = options.randomReplaceProb ?? 0.1;
    checkProbability('mlmProbability', this.mlmProbability);
    checkProbability('maskReplaceProb', this.maskReplaceProb);
    checkProbability('randomReplaceProb', this.randomReplaceProb);
    if (this.maskReplaceProb + this.randomReplaceProb > 1) {
      throw new CollateConfigError(
        'randomReplaceProb',
        `maskReplaceProb + randomReplaceProb must be at most 1, got ${this.maskReplaceProb} + ${this.randomReplaceProb}`,
      );
    }
    this.vocabSize = options.vocabSize ?? 0;
    this.maskTokenId = options.maskTokenId ?? -1;
    if (this.mlm) {
      if (options.vocabSize === undefined || options.maskTokenId === undefined) {
        throw new CollateConfigError(
          options.vocabSize === undefined ? 'vocabSize' : 'maskTokenId',
          'masked language modeling needs maskTokenId and vocabSize (or set mlm: false)',
        );
      }
      assertInteger('vocabSize', this.vocabSize, 1);
      assertInteger('maskTokenId', this.maskTokenId, 0);
      if (this.maskTokenId >= this.vocabSize) {
        throw new CollateConfigError(
          'maskTokenId',
          `${this.maskTokenId} is not below vocabSize ${this.vocabSize}`,
        );
      }
    }
    const special = options.specialTokenIds ?? [];
    for (const id of special) assertInteger('specialTokenIds', id, 0);
    this.specialIds = new Set(special);
    this.random = new Mt19937(options.seed ?? 42);
  }

  /** Collates a list of rows into one batch with `labels` (Python: `collator(features)`). */
  collate(rows: readonly FeatureRow[]): BatchAs<CollatedBatch, R> {
    const { batch } = padFeaturesDetailed(rows, this.padding, new Set(['labels', 'label']));
    const ids = batch.input_ids.data as Int32Array;
    const kinds = this.positionKinds(batch);
    delete batch.special_tokens_mask;
    const labels = new Int32Array(ids.length).fill(-100);
    const inputs = Int32Array.from(ids);
    for (let i = 0; i < ids.length; i++) {
      const kind = kinds[i]!;
      // Causal LM (Python: labels = input_ids, padding -100): every real token, special ones too.
      if (!this.mlm) {
        if (kind !== PADDING) labels[i] = ids[i]!;
      } else if (kind === MASKABLE && this.uniform() < this.mlmProbability) {
        labels[i] = ids[i]!;
        const action = this.uniform();
        if (action < this.maskReplaceProb) inputs[i] = this.maskTokenId;
        else if (action < this.maskReplaceProb + this.randomReplaceProb)
          inputs[i] = Math.floor(this.uniform() * this.vocabSize);
      }
    }
    batch.input_ids = new HostTensor(inputs, batch.input_ids.shape, 'int32');
    batch.labels = new HostTensor(labels, batch.input_ids.shape, 'int32');
    return finishBatch(batch, this.returnTensors);
  }

  /** Each position's kind: padding (attention mask 0), special, or maskable. */
  private positionKinds(batch: CollatedBatch): Uint8Array {
    const ids = batch.input_ids.data;
    const attention = batch.attention_mask?.data;
    const specialMask = batch.special_tokens_mask?.data;
    const out = new Uint8Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      if (attention !== undefined ? attention[i] === 0 : ids[i] === this.padding.padTokenId) out[i] = PADDING;
      else if (specialMask !== undefined ? specialMask[i] === 1 : this.specialIds.has(ids[i]!))
        out[i] = SPECIAL;
      else out[i] = MASKABLE;
    }
    return out;
  }

  /** A uniform draw in [0, 1) from one 32-bit output. */
  private uniform(): number {
    return this.random.nextUint32() / TWO_POW_32;
  }
}
