// The last step of the Rust pipeline, after the model: BERT's template
// post-processor adds `[CLS]` / `[SEP]` around the WordPiece ids and builds the
// per-token fields (type ids, masks, word and sequence ids) of an `Encoding`.
import { Encoding, type Offset } from './encoding.js';
import type { RawSequence } from './truncation.js';

/** The special token ids the template needs, and the id → token lookup for `tokens()`. */
export interface BertTemplate {
  clsTokenId: number;
  sepTokenId: number;
  idsToTokens(ids: readonly number[]): string[];
}

/**
 * `[CLS] A [SEP]` or `[CLS] A [SEP] B [SEP]` (B and its `[SEP]` with token type 1),
 * as tokenizer.json's `TemplateProcessing` for BERT; without special tokens, `A B`.
 */
export function bertPostProcess(
  template: BertTemplate,
  a: RawSequence,
  b: RawSequence | undefined,
  addSpecialTokens: boolean,
): Encoding {
  const inputIds: number[] = [];
  const tokenTypeIds: number[] = [];
  const specialTokensMask: number[] = [];
  const offsets: Offset[] = [];
  const wordIdList: (number | null)[] = [];
  const sequenceIdList: (number | null)[] = [];
  const special = (id: number, typeId: number) => {
    inputIds.push(id);
    tokenTypeIds.push(typeId);
    specialTokensMask.push(1);
    offsets.push([0, 0]);
    wordIdList.push(null);
    sequenceIdList.push(null);
  };
  const sequence = (s: RawSequence, typeId: number) => {
    for (let i = 0; i < s.ids.length; i++) {
      inputIds.push(s.ids[i]!);
      tokenTypeIds.push(typeId);
      specialTokensMask.push(0);
      offsets.push(s.offsets[i]!);
      wordIdList.push(s.wordIds[i]!);
      sequenceIdList.push(typeId);
    }
  };
  if (addSpecialTokens) special(template.clsTokenId, 0);
  sequence(a, 0);
  if (addSpecialTokens) special(template.sepTokenId, 0);
  if (b) {
    sequence(b, 1);
    if (addSpecialTokens) special(template.sepTokenId, 1);
  }
  return new Encoding({
    inputIds,
    tokenTypeIds,
    attentionMask: inputIds.map(() => 1),
    specialTokensMask,
    offsets,
    tokenStrings: template.idsToTokens(inputIds),
    wordIdList,
    sequenceIdList,
  });
}
