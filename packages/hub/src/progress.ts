/**
 * Download progress people can see: a cli-progress bar on a TTY, a few plain log lines otherwise (CI logs
 * stay readable), nothing for small files or when `HF_HUB_DISABLE_PROGRESS_BARS` is set.
 */
import { Presets, SingleBar } from 'cli-progress';
import { progressBarsDisabled } from './env.js';

/** Receives the bytes written so far; `done` closes the bar or prints the final line. */
export interface ProgressReporter {
  update(bytes: number): void;
  done(): void;
}

/** Progress settings of a download. */
export interface ProgressOptions {
  /** `false` silences progress; `true` forces it even for small files; default: files of 10 MiB or more. */
  readonly progress?: boolean;
  /** Where plain log lines go when stderr is not a TTY (default `console.error`). */
  readonly log?: (line: string) => void;
}

/** Files smaller than this download without progress output unless progress is forced. */
export const PROGRESS_MIN_BYTES = 10 * 1024 * 1024;

const SILENT: ProgressReporter = { update() {}, done() {} };

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** A reporter for downloading `label` of `total` bytes (undefined when the size is unknown). */
export function createProgress(
  label: string,
  total: number | undefined,
  options: ProgressOptions,
  verbs: { readonly start: string; readonly end: string } = { start: 'Downloading', end: 'Downloaded' },
): ProgressReporter {
  if (options.progress === false || (options.progress === undefined && progressBarsDisabled())) return SILENT;
  if (options.progress !== true && (total === undefined || total < PROGRESS_MIN_BYTES)) return SILENT;
  if (process.stderr.isTTY && options.log === undefined && total !== undefined) {
    const bar = new SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value_mib}/{total_mib} | ETA {eta_formatted}`,
        hideCursor: true,
        stream: process.stderr,
      },
      Presets.shades_classic,
    );
    bar.start(total, 0, { value_mib: megabytes(0), total_mib: megabytes(total) });
    return {
      update(bytes) {
        bar.update(bytes, { value_mib: megabytes(bytes) });
      },
      done() {
        bar.stop();
      },
    };
  }
  // Plain lines: start, every 25 %, end.
  const log = options.log ?? ((line: string) => console.error(line));
  const started = Date.now();
  let nextQuarter = 1;
  log(`${verbs.start} ${label} (${total === undefined ? 'size unknown' : megabytes(total)})`);
  return {
    update(bytes) {
      if (total === undefined || total === 0) return;
      while (nextQuarter < 4 && bytes >= (total * nextQuarter) / 4) {
        log(`${label}: ${nextQuarter * 25}% (${megabytes(bytes)})`);
        nextQuarter += 1;
      }
    },
    done() {
      log(`${verbs.end} ${label} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    },
  };
}
