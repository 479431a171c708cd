/**
 * The dtypes a safetensors header may name, their byte sizes, and conversion
 * of raw little-endian bytes to the float32 / int32 arrays TensorFlow.js uses.
 */
import { SafetensorsError } from './errors.js';

/** A dtype name as written in a safetensors header (every dtype of the 0.4 spec). */
export type SafetensorsDtype =
  | 'BOOL'
  | 'U8'
  | 'I8'
  | 'F8_E5M2'
  | 'F8_E4M3'
  | 'I16'
  | 'U16'
  | 'F16'
  | 'BF16'
  | 'I32'
  | 'U32'
  | 'F32'
  | 'F64'
  | 'I64'
  | 'U64';

/** Byte size of every dtype the safetensors format defines (0.4 spec). */
const DTYPE_BYTES: Readonly<Record<SafetensorsDtype, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};

export function isSafetensorsDtype(value: unknown): value is SafetensorsDtype {
  return typeof value === 'string' && Object.hasOwn(DTYPE_BYTES, value);
}

export function dtypeByteSize(dtype: SafetensorsDtype): number {
  return DTYPE_BYTES[dtype];
}

/** IEEE half precision bits to a JS number (exact). */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/**
 * How an error message names a tensor: `<file>: tensor "<name>"` when the file
 * is known (as the header checks do), else `Tensor "<name>"`.
 */
function tensorLabel(name: string, source: string | undefined): string {
  return source === undefined ? `Tensor "${name}"` : `${source}: tensor "${name}"`;
}

/**
 * Decodes little-endian tensor bytes to float32. F32 is copied bit for bit;
 * F16 and BF16 widen exactly; F64 and integer types round to nearest float32.
 * `name` and `source` (the file) only serve the error message.
 */
export function bytesToFloat32(
  bytes: Uint8Array,
  dtype: SafetensorsDtype,
  name: string,
  source?: string,
): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = bytes.byteLength / dtypeByteSize(dtype);
  const out = new Float32Array(count);
  switch (dtype) {
    case 'F32':
      // A byte copy keeps NaN payloads and avoids an unaligned typed-array view.
      new Uint8Array(out.buffer).set(bytes);
      return out;
    case 'F16':
      for (let i = 0; i < count; i++) out[i] = halfToNumber(view.getUint16(i * 2, true));
      return out;
    case 'BF16': {
      // bfloat16 is the top half of a float32: shift the bits into place.
      const wide = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) wide[i] = view.getUint16(i * 2, true) << 16;
      return out;
    }
    case 'F64':
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
      return out;
    case 'I64':
      for (let i = 0; i < count; i++) out[i] = Number(view.getBigInt64(i * 8, true));
      return out;
    case 'I32':
      for (let i = 0; i < count; i++) out[i] = view.getInt32(i * 4, true);
      return out;
    case 'I16':
      for (let i = 0; i < count; i++) out[i] = view.getInt16(i * 2, true);
      return out;
    case 'I8':
      for (let i = 0; i < count; i++) out[i] = view.getInt8(i);
      return out;
    case 'U8':
    case 'BOOL':
      for (let i = 0; i < count; i++) out[i] = view.getUint8(i);
      return out;
    default:
      throw new SafetensorsError(
        `${tensorLabel(name, source)} has dtype ${dtype}, which cannot be converted to float32 ` +
          '(supported: F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL).',
      );
  }
}

/**
 * Decodes integer tensor bytes (I64, I32, ...) to int32, throwing when a value
 * does not fit (token ids and label ids always do).
 */
export function bytesToInt32(
  bytes: Uint8Array,
  dtype: SafetensorsDtype,
  name: string,
  source?: string,
): Int32Array {
  if (dtype === 'I64') {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const out = new Int32Array(bytes.byteLength / 8);
    for (let i = 0; i < out.length; i++) {
      const value = view.getBigInt64(i * 8, true);
      if (value > 2147483647n || value < -2147483648n) {
        throw new SafetensorsError(
          `${tensorLabel(name, source)} (I64) holds ${value} at index ${i}, outside int32.`,
        );
      }
      out[i] = Number(value);
    }
    return out;
  }
  const floats = bytesToFloat32(bytes, dtype, name, source);
  if (dtype === 'F32' || dtype === 'F16' || dtype === 'BF16' || dtype === 'F64') {
    throw new SafetensorsError(
      `${tensorLabel(name, source)} has dtype ${dtype}; an integer dtype was expected.`,
    );
  }
  return Int32Array.from(floats);
}
