/**
 * A safetensors reader and writer of our own: the format is small (8-byte
 * header length, JSON header, raw little-endian data), and owning the parser
 * lets us bound every length and offset before touching the data, so a
 * truncated or hostile file gets a clear error, never an out-of-bounds read or
 * a huge allocation. The writer reproduces the reference (Rust) byte layout.
 */
import { readFile } from 'node:fs/promises';
import { describeValue } from './describe-value.js';
import { SafetensorsError } from './errors.js';
import { findDuplicateKey } from './json-duplicate-keys.js';
import {
  bytesToFloat32,
  bytesToInt32,
  dtypeByteSize,
  isSafetensorsDtype,
  type SafetensorsDtype,
} from './safetensors-dtype.js';

/** The reference implementation refuses headers above 100 MB; so do we. */
export const MAX_HEADER_BYTES = 100_000_000;

/** One tensor as stored: dtype, shape and its raw little-endian bytes. */
export interface SafetensorsEntry {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** A view into the file's data section (no copy). */
  readonly bytes: Uint8Array;
}

/** A parsed safetensors file. */
export interface SafetensorsFile {
  /** The `__metadata__` string map (`{format: "pt"}` for PyTorch files), `{}` when absent. */
  readonly metadata: Record<string, string>;
  /** Tensors in header order. */
  readonly tensors: ReadonlyMap<string, SafetensorsEntry>;
}

/** A float32 tensor to write. */
export interface Float32TensorData {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

function fail(source: string, problem: string): never {
  throw new SafetensorsError(`${source}: ${problem}`);
}

function parseShape(source: string, name: string, value: unknown): number[] {
  if (!Array.isArray(value)) fail(source, `tensor "${name}": "shape" must be an array of integers.`);
  return value.map((dim, axis) => {
    if (typeof dim !== 'number') {
      fail(
        source,
        `tensor "${name}": shape[${axis}] must be a non-negative integer, got ${describeValue(dim)}.`,
      );
    }
    if (!Number.isSafeInteger(dim) || dim < 0) {
      fail(source, `tensor "${name}": shape[${axis}] = ${describeValue(dim)} is not a non-negative integer.`);
    }
    return dim;
  });
}

/** Element count, refusing products that stop being exact integers. */
function elementCount(source: string, name: string, shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) {
    count *= dim;
    if (!Number.isSafeInteger(count))
      fail(source, `tensor "${name}": shape [${shape.join(', ')}] is too large.`);
  }
  return count;
}

/**
 * Parses safetensors bytes. Checks, in order: the 8-byte length prefix fits
 * the file and the 100 MB cap, the header is a UTF-8 JSON object, every entry
 * has a known dtype, a shape of non-negative integers and `data_offsets`
 * `[begin, end]` with `end - begin` equal to the element count times the dtype
 * size, no key appears twice in one object (a tensor named twice), and the tensors tile the data section exactly (no gaps, no overlaps,
 * nothing beyond or missing at the end), as the reference validator does.
 *
 * @param bytes the whole file
 * @param source a file name for error messages
 */
export function parseSafetensors(bytes: Uint8Array, source = '<buffer>'): SafetensorsFile {
  if (bytes.byteLength < 8) {
    fail(
      source,
      `file is ${bytes.byteLength} bytes; a safetensors file starts with an 8-byte header length.`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(MAX_HEADER_BYTES)) {
    fail(
      source,
      `header length ${declared} exceeds the ${MAX_HEADER_BYTES}-byte limit (corrupted or not safetensors).`,
    );
  }
  const headerLength = Number(declared);
  if (8 + headerLength > bytes.byteLength) {
    fail(
      source,
      `header length ${headerLength} runs past the end of the file (${bytes.byteLength} bytes): file truncated or corrupted.`,
    );
  }
  let headerText: string;
  try {
    headerText = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    fail(source, 'header is not valid UTF-8.');
  }
  if (!headerText.startsWith('{')) fail(source, 'header does not start with "{" (not a safetensors file?).');
  let header: unknown;
  try {
    header = JSON.parse(headerText);
  } catch (error) {
    fail(source, `header is not valid JSON: ${(error as Error).message}`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    fail(source, 'header must be a JSON object.');
  }
  // JSON.parse keeps the last of two equal keys: a tensor named twice would load from its last entry.
  const duplicate = findDuplicateKey(headerText);
  if (duplicate) {
    fail(
      source,
      duplicate.path.length === 0
        ? `tensor "${duplicate.key}" appears twice in the header; each tensor name must be unique.`
        : `${duplicate.path[0] === '__metadata__' ? '"__metadata__"' : `tensor "${duplicate.path[0]}"`}: ` +
            `key "${[...duplicate.path.slice(1), duplicate.key].join('.')}" appears twice in the header.`,
    );
  }

  const dataStart = 8 + headerLength;
  const dataLength = bytes.byteLength - dataStart;
  const metadata: Record<string, string> = {};
  const pending: { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }[] =
    [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (info === null || typeof info !== 'object' || Array.isArray(info)) {
        fail(source, '"__metadata__" must be an object of strings.');
      }
      for (const [key, value] of Object.entries(info as Record<string, unknown>)) {
        if (typeof value !== 'string') fail(source, `"__metadata__"."${key}" must be a string.`);
        metadata[key] = value;
      }
      continue;
    }
    if (info === null || typeof info !== 'object' || Array.isArray(info)) {
      fail(source, `tensor "${name}": entry must be an object with dtype, shape and data_offsets.`);
    }
    const entry = info as Record<string, unknown>;
    if (typeof entry.dtype !== 'string') {
      fail(
        source,
        `tensor "${name}": "dtype" must be a string such as "F32", got ${describeValue(entry.dtype)}.`,
      );
    }
    if (!isSafetensorsDtype(entry.dtype)) {
      fail(source, `tensor "${name}": unknown dtype ${describeValue(entry.dtype)}.`);
    }
    const shape = parseShape(source, name, entry.shape);
    const offsets = entry.data_offsets;
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((value) => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)
    ) {
      fail(source, `tensor "${name}": "data_offsets" must be [begin, end] with non-negative integers.`);
    }
    const [begin, end] = offsets as [number, number];
    if (end < begin) fail(source, `tensor "${name}": data_offsets [${begin}, ${end}] end before they begin.`);
    if (end > dataLength) {
      fail(
        source,
        `tensor "${name}": data_offsets [${begin}, ${end}] run past the data section (${dataLength} bytes): file truncated?`,
      );
    }
    const expectedBytes = elementCount(source, name, shape) * dtypeByteSize(entry.dtype);
    if (end - begin !== expectedBytes) {
      fail(
        source,
        `tensor "${name}": shape [${shape.join(', ')}] of ${entry.dtype} needs ${expectedBytes} bytes, ` +
          `but data_offsets [${begin}, ${end}] hold ${end - begin}.`,
      );
    }
    pending.push({ name, dtype: entry.dtype, shape, begin, end });
  }

  // Tensors must tile the data section: sorted by begin, each starts where the last ended.
  const byOffset = [...pending].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const tensor of byOffset) {
    if (tensor.begin !== cursor) {
      fail(
        source,
        tensor.begin < cursor
          ? `tensor "${tensor.name}": data_offsets [${tensor.begin}, ${tensor.end}] overlap the previous tensor (ends at ${cursor}).`
          : `tensor "${tensor.name}": data_offsets [${tensor.begin}, ${tensor.end}] leave a gap after byte ${cursor}.`,
      );
    }
    cursor = tensor.end;
  }
  if (cursor !== dataLength) {
    fail(source, `tensors cover ${cursor} bytes but the data section has ${dataLength}: file corrupted.`);
  }

  const tensors = new Map<string, SafetensorsEntry>();
  for (const tensor of pending) {
    tensors.set(tensor.name, {
      dtype: tensor.dtype,
      shape: tensor.shape,
      bytes: bytes.subarray(dataStart + tensor.begin, dataStart + tensor.end),
    });
  }
  return { metadata, tensors };
}

/** Reads and parses a safetensors file (errors name the path). */
export async function readSafetensors(path: string): Promise<SafetensorsFile> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new SafetensorsError(`Cannot read safetensors file ${path}: ${(error as Error).message}`);
  }
  return parseSafetensors(bytes, path);
}

/**
 * A tensor's values widened to float32 (F32, F16, BF16, F64 and integer dtypes).
 * @param name the tensor's name, for error messages
 * @param source the file it came from, for error messages (`<file>: tensor "<name>" …`)
 */
export function entryToFloat32(entry: SafetensorsEntry, name: string, source?: string): Float32Array {
  return bytesToFloat32(entry.bytes, entry.dtype, name, source);
}

/**
 * A tensor's values as int32 (I64 and smaller integer dtypes).
 * @param name the tensor's name, for error messages
 * @param source the file it came from, for error messages (`<file>: tensor "<name>" …`)
 */
export function entryToInt32(entry: SafetensorsEntry, name: string, source?: string): Int32Array {
  return bytesToInt32(entry.bytes, entry.dtype, name, source);
}

function compareBytewise(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Serializes float32 tensors with the reference byte layout: header
 * `{"__metadata__":{...},"name":{"dtype":"F32","shape":[...],"data_offsets":[b,e]},...}`
 * with tensors sorted by dtype (descending enum order) then name (byte order),
 * padded with spaces to a multiple of 8 bytes, followed by the data in the
 * same order. `metadata` defaults to `{format: "pt"}` like
 * `safetensors.torch.save_file` called by `save_pretrained`.
 */
export function serializeSafetensors(
  tensors: ReadonlyMap<string, Float32TensorData> | Record<string, Float32TensorData>,
  metadata: Record<string, string> | null = { format: 'pt' },
): Uint8Array {
  const entries = (tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors)) as [
    string,
    Float32TensorData,
  ][];
  const dtype: SafetensorsDtype = 'F32';
  // Every tensor we write is F32, so the reference order (dtype, then name) reduces to the name.
  entries.sort(([a], [b]) => compareBytewise(a, b));
  const header: Record<string, unknown> = {};
  if (metadata !== null) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, tensor] of entries) {
    if (name === '__metadata__') throw new SafetensorsError('A tensor cannot be named "__metadata__".');
    const count = tensor.shape.reduce((a, b) => a * b, 1);
    if (count !== tensor.data.length) {
      throw new SafetensorsError(
        `Tensor "${name}": shape [${tensor.shape.join(', ')}] has ${count} elements but ${tensor.data.length} values were given.`,
      );
    }
    header[name] = { dtype, shape: [...tensor.shape], data_offsets: [offset, offset + count * 4] };
    offset += count * 4;
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const padded = json.length + ((8 - (json.length % 8)) % 8);
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);
  let cursor = 8 + padded;
  for (const [, tensor] of entries) {
    out.set(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength), cursor);
    cursor += tensor.data.byteLength;
  }
  return out;
}
