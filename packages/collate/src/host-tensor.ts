/** Element types a collated batch uses: `int32` for ids, masks and class labels, `float32` for float targets. */
export type HostDType = 'int32' | 'float32';

/** The typed array behind each dtype. */
export interface HostDataOf {
  int32: Int32Array;
  float32: Float32Array;
}

/**
 * A dense row-major array with a shape: the collators' framework-free stand-in for `torch.Tensor`.
 * 2-D for per-token columns (`rows × cols`), 1-D for per-row columns (sequence-classification labels).
 * Hand it to {@link toTfjsTensors} (or set `returnTensors: 'tfjs'`) to get tfjs tensors.
 */
export class HostTensor<D extends HostDType = HostDType> {
  /** Row-major values; `data.length` is the product of `shape`. */
  readonly data: HostDataOf[D];
  /** `[rows]` or `[rows, cols]`. */
  readonly shape: readonly number[];
  readonly dtype: D;

  constructor(data: HostDataOf[D], shape: readonly number[], dtype: D) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (data.length !== size) {
      throw new RangeError(
        `HostTensor: shape [${shape.join(', ')}] needs ${size} values, got ${data.length}`,
      );
    }
    this.data = data;
    this.shape = shape;
    this.dtype = dtype;
  }

  /** Number of dimensions (1 or 2). */
  get rank(): number {
    return this.shape.length;
  }

  /** Number of rows (the batch size). */
  get rows(): number {
    return this.shape[0] ?? 0;
  }

  /** Number of columns of a 2-D tensor (the padded sequence length); 1 for a 1-D tensor. */
  get cols(): number {
    return this.shape[1] ?? 1;
  }

  /** Row `i` of a 2-D tensor as a view (no copy) into `data`. */
  row(i: number): HostDataOf[D] {
    if (this.shape.length !== 2)
      throw new RangeError(`HostTensor.row: tensor has rank ${this.shape.length}, not 2`);
    this.checkIndex(i, 0);
    const cols = this.cols;
    return this.data.subarray(i * cols, (i + 1) * cols) as HostDataOf[D];
  }

  /** The value at `[i]` (1-D) or `[i, j]` (2-D). */
  get(i: number, j?: number): number {
    this.checkIndex(i, 0);
    if (this.shape.length === 1) return this.data[i]!;
    if (j === undefined) throw new RangeError('HostTensor.get: a 2-D tensor needs two indices');
    this.checkIndex(j, 1);
    return this.data[i * this.cols + j]!;
  }

  /** Nested plain arrays, like `tensor.tolist()`. */
  toArray(): number[] | number[][] {
    if (this.shape.length === 1) return Array.from(this.data);
    return Array.from({ length: this.rows }, (_, i) => Array.from(this.row(i)));
  }

  private checkIndex(index: number, axis: number): void {
    const size = this.shape[axis] ?? 0;
    if (!Number.isInteger(index) || index < 0 || index >= size) {
      throw new RangeError(`HostTensor: index ${index} out of range for axis ${axis} of size ${size}`);
    }
  }
}

/** An `int32` host tensor (ids, masks, class labels). */
export type IntTensor = HostTensor<'int32'>;
