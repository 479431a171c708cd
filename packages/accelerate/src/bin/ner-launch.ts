#!/usr/bin/env node
import { LaunchError, launch } from '../launcher/launcher.js';
import { LAUNCH_USAGE, parseLaunchArgs } from '../launcher/launch-args.js';

// `ner-launch --nproc-per-node 2 train.mjs --epochs 3`: torchrun / accelerate launch for node scripts.
const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
try {
  const parsed = parseLaunchArgs(process.argv.slice(2));
  if (parsed.help) process.stdout.write(LAUNCH_USAGE);
  else await launch({ ...parsed.options, signal: stop.signal });
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = error instanceof LaunchError && error.rank !== undefined ? error.exitStatus : 2;
}
