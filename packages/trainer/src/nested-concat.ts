import { HostTensor } from '@ner/collate';
import { TrainerError } from './errors.js';

/**
 * Concatenates arrays along dim 0, padding dim 1 to the widest with
 * `padIndex` when they differ (transformers' `nested_concat` /
 * `torch_pad_and_concatenate`, default -100). Arrays must agree on every
 * other dimension.
 */
export function padAndConcatenate(parts: readonly HostTensor[], padIndex = -100): HostTensor {
  const first = parts[0];
  if (first === undefined) throw new TrainerError('padAndConcatenate: nothing to concatenate');
  const rank = first.shape.length;
  const dtype = first.dtype;
  for (const [i, part] of parts.entries()) {
    const sameTail =
      part.shape.length === rank && part.shape.slice(2).every((size, d) => size === first.shape[d + 2]);
    if (!sameTail || part.dtype !== dtype) {
      throw new TrainerError(
        `padAndConcatenate: part ${i} has shape [${part.shape}] (${part.dtype}), part 0 has [${first.shape}] (${dtype}); only dim 0 and dim 1 may differ`,
      );
    }
  }
  const rows = parts.reduce((sum, part) => sum + (part.shape[0] ?? 0), 0);
  if (rank < 2) {
    const data = dtype === 'int32' ? new Int32Array(rows) : new Float32Array(rows);
    let offset = 0;
    for (const part of parts) {
      data.set(part.data, offset);
      offset += part.data.length;
    }
    return new HostTensor(data, [rows], dtype);
  }
  const width = Math.max(...parts.map((part) => part.shape[1]!));
  const inner = first.shape.slice(2).reduce((a, b) => a * b, 1);
  const rowSize = width * inner;
  const data = dtype === 'int32' ? new Int32Array(rows * rowSize) : new Float32Array(rows * rowSize);
  data.fill(padIndex);
  let row = 0;
  for (const part of parts) {
    const partRowSize = part.shape[1]! * inner;
    for (let r = 0; r < part.shape[0]!; r++, row++) {
      data.set(part.data.subarray(r * partRowSize, (r + 1) * partRowSize), row * rowSize);
    }
  }
  return new HostTensor(data, [rows, width, ...first.shape.slice(2)], dtype);
}
