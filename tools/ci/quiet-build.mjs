#!/usr/bin/env node
// Builds a workspace package's dependencies with turbo and says so in one line, so that what a
// command like `pnpm start` shows is the job's own output. turbo's log is kept and printed only
// when the build fails (turbo's cache makes a rebuild with nothing changed take a few seconds).
//
//   node tools/ci/quiet-build.mjs <package name>
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const target = process.argv[2];
if (!target) {
  console.error('usage: node tools/ci/quiet-build.mjs <package name>');
  process.exit(2);
}
const started = Date.now();
console.log(`[build] building what ${target} needs (turbo, log shown only on failure) ...`);
const turbo = join(root, 'node_modules', '.bin', 'turbo');
const result = spawnSync(
  turbo,
  ['run', 'build', `--filter=${target}...`, '--output-logs=errors-only', '--log-prefix=none'],
  {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
  },
);
const log = `${result.stdout ?? ''}${result.stderr ?? ''}`;
if (result.status !== 0) {
  process.stderr.write(log);
  console.error(
    `build of ${target}'s packages failed${result.error ? `: ${result.error.message}` : ''} (log above)`,
  );
  process.exit(result.status ?? 1);
}
// turbo's summary line, e.g. "Tasks:    12 successful, 12 total" and "Cached:    11 cached, 12 total".
const tasks = /Tasks:\s+(\d+) successful/.exec(log)?.[1];
const cached = /Cached:\s+(\d+) cached/.exec(log)?.[1];
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(
  `[build] ${tasks ?? '?'} packages up to date${cached === undefined ? '' : ` (${cached} from cache)`} in ${seconds} s`,
);
