import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import type { CallbackHook, TrainerCallback } from './callbacks.js';
import type { TrainerState } from './trainer-state.js';
import type { TrainingArguments } from './training-arguments.js';

/** Where console lines go (tests pass their own). */
export type LineWriter = (line: string) => void;

/** Whether `logLevel` silences the console (`'error'`, `'critical'`). */
export function quiet(args: TrainingArguments): boolean {
  return args.logLevel === 'error' || args.logLevel === 'critical';
}

/** A log dict as Python prints it: JSON without the `step` the Trainer adds. */
function logLine(logs: Record<string, number>): string {
  const { step: _step, ...shown } = logs;
  return JSON.stringify(shown);
}

/** Formats seconds as tqdm does (`MM:SS` or `H:MM:SS`). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mmss = `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}

/**
 * The tqdm-like progress display: a live bar (step/total, it/s, ETA, loss)
 * when stderr is a TTY, otherwise a plain line every `loggingSteps` steps.
 * Log dicts are printed as lines in both cases (Python's `ProgressCallback`).
 */
export class ProgressCallback implements TrainerCallback {
  private bars: cliProgress.MultiBar | undefined;
  private bar: cliProgress.SingleBar | undefined;
  private started = 0;
  private startStep = 0;
  private lastLoss: number | undefined;
  private readonly write: LineWriter;
  private readonly tty: boolean;

  constructor(options: { write?: LineWriter; tty?: boolean } = {}) {
    this.write = options.write ?? ((line) => process.stderr.write(`${line}\n`));
    this.tty = options.tty ?? Boolean(process.stderr.isTTY);
  }

  onTrainBegin = (args: TrainingArguments, state: TrainerState): void => {
    this.started = performance.now();
    this.startStep = state.globalStep;
    if (quiet(args) || !this.tty || !state.isWorldProcessZero) return;
    // A MultiBar (with one bar) can print log lines above the bar without restarting it.
    this.bars = new cliProgress.MultiBar(
      {
        format: ' {bar} {value}/{total} [{elapsedTime}<{etaTime}, {speed} it/s, loss {loss}]',
        hideCursor: true,
        clearOnComplete: false,
        // tqdm draws on stderr, so stdout stays clean for the script's own output.
        stream: process.stderr,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar = this.bars.create(state.maxSteps, state.globalStep, {
      speed: '?',
      loss: '-',
      elapsed: '00:00',
      eta: '?',
    });
  };

  private rates(state: TrainerState): { rate: number; elapsed: number; eta: number } {
    const elapsed = (performance.now() - this.started) / 1000;
    // Steps done in this run only, so a resumed run does not claim the skipped steps as speed.
    const rate = (state.globalStep - this.startStep) / Math.max(elapsed, 1e-9);
    return { rate, elapsed, eta: (state.maxSteps - state.globalStep) / Math.max(rate, 1e-9) };
  }

  onStepEnd = (args: TrainingArguments, state: TrainerState): void => {
    if (quiet(args) || !state.isWorldProcessZero) return;
    const { rate, elapsed, eta } = this.rates(state);
    if (this.bar) {
      this.bar.update(state.globalStep, {
        speed: rate.toFixed(2),
        loss: this.lastLoss === undefined ? '-' : this.lastLoss.toFixed(4),
        elapsedTime: formatDuration(elapsed),
        etaTime: formatDuration(eta),
      });
      // Training keeps the event loop busy, so cli-progress' redraw timer rarely fires: draw now.
      this.bars?.update();
      return;
    }
    const every = args.loggingSteps >= 1 ? args.loggingSteps : Math.ceil(state.maxSteps * args.loggingSteps);
    if (state.globalStep % every === 0 || state.globalStep === state.maxSteps) {
      const loss = this.lastLoss === undefined ? '' : ` | loss ${this.lastLoss.toFixed(4)}`;
      this.write(
        `step ${state.globalStep}/${state.maxSteps} | ${rate.toFixed(2)} it/s | ETA ${formatDuration(eta)}${loss}`,
      );
    }
  };

  onLog: CallbackHook = (args, state, _control, extras) => {
    if (extras.logs?.loss !== undefined) this.lastLoss = extras.logs.loss;
    if (quiet(args) || extras.logs === undefined || !state.isWorldProcessZero) return;
    const line = logLine(extras.logs);
    if (this.bars) {
      this.bars.log(`${line}\n`);
      this.bars.update();
    } else this.write(line);
  };

  onTrainEnd = (): void => {
    this.bars?.stop();
    this.bars = undefined;
    this.bar = undefined;
  };
}

/** Python's `PrinterCallback` (used with `disableTqdm`): prints each log dict as a line. */
export class PrinterCallback implements TrainerCallback {
  private readonly write: LineWriter;
  constructor(options: { write?: LineWriter } = {}) {
    this.write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
  }
  onLog: CallbackHook = (args, _state, _control, extras) => {
    if (!quiet(args) && extras.logs !== undefined) this.write(logLine(extras.logs));
  };
}

/** Appends every log dict (with its `step`) as one JSON line to `outputDir/metrics.jsonl`. */
export class JsonlLoggerCallback implements TrainerCallback {
  readonly fileName: string;
  constructor(fileName = 'metrics.jsonl') {
    this.fileName = fileName;
  }
  onLog: CallbackHook = (args, state, _control, extras) => {
    if (!state.isWorldProcessZero || extras.logs === undefined) return;
    mkdirSync(args.outputDir, { recursive: true });
    appendFileSync(
      join(args.outputDir, this.fileName),
      `${JSON.stringify({ ...extras.logs, step: state.globalStep })}\n`,
    );
  };
}
