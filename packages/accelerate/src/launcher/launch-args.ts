import { AccelerateError } from '../errors.js';
import type { LaunchOptions } from './launcher.js';

/**
 * Parses `ner-launch` arguments: launcher options come before the script;
 * everything after the script belongs to the script (so `--lr 1e-3` after it
 * is not mistaken for a launcher option).
 */
export function parseLaunchArgs(argv: readonly string[]): { help: boolean; options: LaunchOptions } {
  let numProcesses: number | undefined;
  let masterPort: number | undefined;
  let gpus = false;
  let i = 0;
  const intValue = (flag: string, raw: string | undefined): number => {
    const value = Number(raw);
    if (raw === undefined || !Number.isInteger(value) || value < 1) {
      throw new AccelerateError(`ner-launch: ${flag} needs a positive integer, got ${raw ?? 'nothing'}`);
    }
    return value;
  };
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) break;
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    if (flag === '-h' || flag === '--help') return { help: true, options: { numProcesses: 1, script: '' } };
    if (
      flag === '--num-processes' ||
      flag === '--num_processes' ||
      flag === '-n' ||
      flag === '--nproc-per-node'
    ) {
      numProcesses = intValue(flag, inline ?? argv[++i]);
    } else if (flag === '--master-port' || flag === '--main_process_port') {
      masterPort = intValue(flag, inline ?? argv[++i]);
    } else if (flag === '--gpus') {
      gpus = true;
    } else {
      throw new AccelerateError(`ner-launch: unknown option ${flag} (options go before the script)`);
    }
  }
  const script = argv[i];
  if (script === undefined) throw new AccelerateError('ner-launch: missing the script to run');
  if (numProcesses === undefined) throw new AccelerateError('ner-launch: --num-processes is required');
  return {
    help: false,
    options: {
      numProcesses,
      script,
      args: argv.slice(i + 1),
      gpus,
      ...(masterPort !== undefined ? { masterPort } : {}),
    },
  };
}
