#!/usr/bin/env node
import { LaunchError, launch } from '../launcher/launcher.js';
import { parseLaunchArgs } from '../launcher/launch-args.js';

// `ner-launch --num-processes 2 train.mjs --epochs 3`: torchrun / accelerate launch for node scripts.
try {
  const parsed = parseLaunchArgs(process.argv.slice(2));
  if (parsed.help) {
    process.stdout.write(
      'Usage: ner-launch --num-processes N [--gpus] [--master-port P] script.js [script args...]\n' +
        'Starts N worker processes with RANK, LOCAL_RANK, WORLD_SIZE, MASTER_ADDR=127.0.0.1 and MASTER_PORT set.\n',
    );
  } else {
    await launch(parsed.options);
  }
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = error instanceof LaunchError ? error.exitCode || 1 : 2;
}
