import { HostTensor } from '@ner/collate';
import * as tf from '@tensorflow/tfjs-core';
import { AccelerateError } from './errors.js';

/** A tensor or host array the Accelerator can move between processes. */
export type Gatherable = tf.Tensor | HostTensor;

export function toHost(value: Gatherable): HostTensor {
  if (value instanceof HostTensor) return value;
  checkHostable(value);
  return hostOf(value, value.dataSync());
}

/**
 * {@link toHost} with the values read asynchronously (`tensor.data()`). The read is queued when
 * this is called, before it returns, so a caller can queue more device work and only then await
 * it: on an asynchronous backend (cuda) the copy waits for the work queued before it, not after.
 */
export function toHostAsync(value: Gatherable): Promise<HostTensor> {
  if (value instanceof HostTensor) return Promise.resolve(value);
  checkHostable(value);
  return value.data().then((values) => hostOf(value, values));
}

function checkHostable(value: Gatherable): asserts value is tf.Tensor {
  if (value instanceof tf.Tensor && ['float32', 'int32', 'bool'].includes(value.dtype)) return;
  throw new AccelerateError(
    `expected a float32/int32 tf.Tensor or a HostTensor, got ${(value as { dtype?: string })?.dtype ?? typeof value}`,
  );
}

/** A float32/int32/bool tensor's values as a HostTensor (bool as int32 0/1). */
function hostOf(tensor: tf.Tensor, values: tf.TypedArray | string[] | Uint8Array[]): HostTensor {
  if (tensor.dtype === 'float32') return new HostTensor(values as Float32Array, [...tensor.shape], 'float32');
  return new HostTensor(Int32Array.from(values as ArrayLike<number>), [...tensor.shape], 'int32');
}

export function fromHost(host: HostTensor, like: Gatherable): Gatherable {
  return like instanceof tf.Tensor ? tf.tensor(host.data, [...host.shape], host.dtype) : host;
}

/** Serializes a host array: u32 header length, JSON {shape, dtype}, raw little-endian data. */
export function encodeHost(host: HostTensor): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify({ shape: host.shape, dtype: host.dtype }));
  const out = new Uint8Array(4 + header.length + host.data.byteLength);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 4);
  out.set(new Uint8Array(host.data.buffer, host.data.byteOffset, host.data.byteLength), 4 + header.length);
  return out;
}

export function decodeHost(bytes: Uint8Array): HostTensor {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength))) as {
    shape: number[];
    dtype: 'int32' | 'float32';
  };
  const raw = bytes.slice(4 + headerLength).buffer;
  const data = header.dtype === 'int32' ? new Int32Array(raw) : new Float32Array(raw);
  return new HostTensor(data, header.shape, header.dtype);
}

/** Concatenates along dim 0; every other dimension must agree. */
export function concatHost(parts: HostTensor[]): HostTensor {
  const first = parts[0]!;
  for (const [rank, part] of parts.entries()) {
    const same =
      part.dtype === first.dtype &&
      part.shape.length === first.shape.length &&
      part.shape.every((size, d) => d === 0 || size === first.shape[d]);
    if (!same) {
      throw new AccelerateError(
        `gather: process ${rank} holds shape [${part.shape}] (${part.dtype}), process 0 holds [${first.shape}] (${first.dtype}); ` +
          'shapes may only differ in dim 0; call padAcrossProcesses first',
      );
    }
  }
  const total = parts.reduce((sum, p) => sum + p.data.length, 0);
  const data = first.dtype === 'int32' ? new Int32Array(total) : new Float32Array(total);
  let offset = 0;
  for (const part of parts) {
    data.set(part.data, offset);
    offset += part.data.length;
  }
  const rows = parts.reduce((sum, p) => sum + (p.shape[0] ?? 1), 0);
  return new HostTensor(
    data,
    first.shape.length === 0 ? [rows] : [rows, ...first.shape.slice(1)],
    first.dtype,
  );
}

/** Pads `dim` to `size` with `value` (at the end, or the start with `padFirst`). */
export function padHost(
  host: HostTensor,
  dim: number,
  size: number,
  value: number,
  padFirst = false,
): HostTensor {
  const shape = [...host.shape];
  const current = shape[dim]!;
  if (current >= size) return host;
  const outer = shape.slice(0, dim).reduce((a, b) => a * b, 1);
  const inner = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  const newShape = [...shape];
  newShape[dim] = size;
  const data =
    host.dtype === 'int32' ? new Int32Array(outer * size * inner) : new Float32Array(outer * size * inner);
  data.fill(value);
  const shift = padFirst ? (size - current) * inner : 0;
  for (let o = 0; o < outer; o++) {
    data.set(host.data.subarray(o * current * inner, (o + 1) * current * inner), o * size * inner + shift);
  }
  return new HostTensor(data, newShape, host.dtype);
}

/** The first `rows` rows (dim 0). */
export function sliceRows(host: HostTensor, rows: number): HostTensor {
  const rowSize = host.shape.slice(1).reduce((a, b) => a * b, 1);
  return new HostTensor(
    host.data.slice(0, rows * rowSize) as Int32Array & Float32Array,
    [rows, ...host.shape.slice(1)],
    host.dtype,
  );
}
