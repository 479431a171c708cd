import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { CallbackExtras, TrainerCallback, TrainerControl } from './callbacks.js';
import type { TrainerState } from './trainer-state.js';
import type { TrainingArguments } from './training-arguments.js';

// TensorBoard reads TFRecord files of `Event` protobufs. Both formats are
// small and stable, so they are written by hand here instead of pulling in
// protobuf and TensorFlow packages.

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32C (Castagnoli), the checksum TFRecord uses. */
export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC32C_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function maskedCrc(bytes: Uint8Array): number {
  const crc = crc32c(bytes);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

function varint(value: number | bigint): number[] {
  let v = BigInt(value);
  if (v < 0n) v += 1n << 64n;
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number((v & 0x7fn) | 0x80n));
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

function lengthDelimited(field: number, payload: Uint8Array): number[] {
  return [...varint((field << 3) | 2), ...varint(payload.length), ...payload];
}

/** One scalar `Event` (wall_time, step, summary.value[{tag, simple_value}]) as protobuf bytes. */
export function encodeScalarEvent(
  wallTime: number,
  step: number,
  scalars: Record<string, number>,
): Uint8Array {
  const event: number[] = [];
  const wall = new Uint8Array(8);
  new DataView(wall.buffer).setFloat64(0, wallTime, true);
  event.push((1 << 3) | 1, ...wall);
  event.push((2 << 3) | 0, ...varint(step));
  const summary: number[] = [];
  for (const [tag, value] of Object.entries(scalars)) {
    const simple = new Uint8Array(4);
    new DataView(simple.buffer).setFloat32(0, value, true);
    const valueMsg = [...lengthDelimited(1, new TextEncoder().encode(tag)), (2 << 3) | 5, ...simple];
    summary.push(...lengthDelimited(1, Uint8Array.from(valueMsg)));
  }
  event.push(...lengthDelimited(5, Uint8Array.from(summary)));
  return Uint8Array.from(event);
}

/** The first event of every file: `file_version: "brain.Event:2"`. */
export function encodeFileVersionEvent(wallTime: number): Uint8Array {
  const wall = new Uint8Array(8);
  new DataView(wall.buffer).setFloat64(0, wallTime, true);
  return Uint8Array.from([
    (1 << 3) | 1,
    ...wall,
    ...lengthDelimited(3, new TextEncoder().encode('brain.Event:2')),
  ]);
}

/** Frames bytes as one TFRecord (length, masked CRCs). */
export function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 4 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc(data), true);
  return out;
}

/** Appends scalar summaries to a TensorBoard event file (`SummaryWriter.add_scalar`). */
export class SummaryWriter {
  readonly path: string;
  constructor(logDir: string) {
    mkdirSync(logDir, { recursive: true });
    const now = Date.now() / 1000;
    this.path = join(logDir, `events.out.tfevents.${Math.floor(now)}.${hostname()}.${process.pid}`);
    writeFileSync(this.path, tfRecord(encodeFileVersionEvent(now)));
  }
  addScalars(step: number, scalars: Record<string, number>): void {
    appendFileSync(this.path, tfRecord(encodeScalarEvent(Date.now() / 1000, step, scalars)));
  }
}

/**
 * `reportTo: ['tensorboard']`: writes each log under Python's tag names
 * (`train/loss`, `train/learning_rate`, `eval/loss`, `eval/f1`...) to
 * `loggingDir` (default `outputDir/runs/<date>_<host>`).
 */
export class TensorBoardCallback implements TrainerCallback {
  writer: SummaryWriter | undefined;
  onTrainBegin = (args: TrainingArguments, state: TrainerState): void => {
    if (!state.isWorldProcessZero || this.writer) return;
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    this.writer = new SummaryWriter(
      args.loggingDir ?? join(args.outputDir, 'runs', `${stamp}_${hostname()}`),
    );
  };
  onLog = (
    _args: TrainingArguments,
    state: TrainerState,
    _control: TrainerControl,
    extras: CallbackExtras,
  ): void => {
    if (!this.writer || extras.logs === undefined) return;
    const scalars: Record<string, number> = {};
    for (const [key, value] of Object.entries(extras.logs)) {
      if (key === 'step' || typeof value !== 'number') continue;
      // Python's rewrite_logs: eval_x → eval/x, test_x → test/x, everything else train/x.
      const tag = key.startsWith('eval_')
        ? `eval/${key.slice(5)}`
        : key.startsWith('test_')
          ? `test/${key.slice(5)}`
          : `train/${key}`;
      scalars[tag] = value;
    }
    this.writer.addScalars(state.globalStep, scalars);
  };
}
