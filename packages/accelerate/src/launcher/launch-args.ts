import type { BackendName } from '../process-group/backend.js';
import { LaunchError, type LaunchOptions } from './launcher.js';

/** ner-launch's help text: torchrun's flags (both spellings) and accelerate launch's aliases. */
export const LAUNCH_USAGE = `Usage: ner-launch [options] script.js [script args...]
  --nproc-per-node N   ranks on this node (also --nproc_per_node, --num-processes, -n)
  --nnodes N           machines in the run [1]
  --node-rank R        this machine's index [0]
  --master-addr A      node 0's address; rank 0's store binds to it [127.0.0.1]
  --master-port P      the store's port [free port on one node, 29500 on several]
  --backend B          gloo | nccl (NER_PROCESS_GROUP_BACKEND) [gloo on CPU, nccl on CUDA]
  --gpus[=0,1,...]     one CUDA_VISIBLE_DEVICES per local rank [0..N-1, or the list]
  --rdzv-secret S      the run's secret, the same on every node [random on one node; NER_STORE_SECRET]
  --mixed-precision P  no | bf16: the Accelerator's default (ACCELERATE_MIXED_PRECISION) [unset]
  --gradient-accumulation-steps N
                       the Accelerator's default (ACCELERATE_GRADIENT_ACCUMULATION_STEPS) [unset]
Sets RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, NODE_RANK, MASTER_ADDR, MASTER_PORT and
NER_STORE_SECRET for each rank. When a rank fails, the others are stopped and ner-launch exits
with the failing rank's exit code.
`;

const FLAG_ALIASES: Readonly<Record<string, string>> = {
  '--nproc-per-node': 'nproc',
  '--nproc_per_node': 'nproc',
  '--num-processes': 'nproc',
  '--num_processes': 'nproc',
  '-n': 'nproc',
  '--nnodes': 'nnodes',
  '--num_machines': 'nnodes',
  '--node-rank': 'nodeRank',
  '--node_rank': 'nodeRank',
  '--machine_rank': 'nodeRank',
  '--master-addr': 'masterAddr',
  '--master_addr': 'masterAddr',
  '--main_process_ip': 'masterAddr',
  '--master-port': 'masterPort',
  '--master_port': 'masterPort',
  '--main_process_port': 'masterPort',
  '--backend': 'backend',
  '--rdzv-secret': 'secret',
  '--rdzv_secret': 'secret',
  '--gpus': 'gpus',
  '--mixed-precision': 'mixedPrecision',
  '--mixed_precision': 'mixedPrecision',
  '--gradient-accumulation-steps': 'gradientAccumulationSteps',
  '--gradient_accumulation_steps': 'gradientAccumulationSteps',
};
const MIXED_PRECISIONS = ['no', 'bf16'] as const;
const BACKENDS: readonly BackendName[] = ['gloo', 'nccl'];

/**
 * Parses ner-launch's arguments: launcher options come before the script; everything after the
 * script belongs to the script (so `--lr 1e-3` after it is not taken for a launcher option).
 */
export function parseLaunchArgs(argv: readonly string[]): { help: boolean; options: LaunchOptions } {
  const found: Record<string, string> = {};
  let i = 0;
  const integer = (flag: string, raw: string, min: number): number => {
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min) {
      throw new LaunchError(`ner-launch: ${flag} needs an integer >= ${min}, got '${raw}'`);
    }
    return value;
  };
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) break;
    const eq = arg.indexOf('=');
    const flag = eq >= 0 ? arg.slice(0, eq) : arg;
    if (flag === '-h' || flag === '--help') return { help: true, options: { nprocPerNode: 1, script: '' } };
    const name = FLAG_ALIASES[flag];
    if (name === undefined) {
      throw new LaunchError(`ner-launch: unknown option ${flag} (launcher options go before the script)`);
    }
    if (name === 'gpus') {
      found.gpus = eq >= 0 ? arg.slice(eq + 1) : 'all';
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new LaunchError(`ner-launch: ${flag} needs a value`);
    found[name] = value;
  }
  const script = argv[i];
  if (script === undefined) throw new LaunchError('ner-launch: missing the script to run');
  if (found.nproc === undefined) throw new LaunchError('ner-launch: --nproc-per-node is required');
  const options: LaunchOptions = {
    nprocPerNode: integer('--nproc-per-node', found.nproc, 1),
    script,
    args: argv.slice(i + 1),
  };
  if (found.nnodes !== undefined) options.nnodes = integer('--nnodes', found.nnodes, 1);
  if (found.nodeRank !== undefined) options.nodeRank = integer('--node-rank', found.nodeRank, 0);
  if (found.masterAddr !== undefined) options.masterAddr = found.masterAddr;
  if (found.masterPort !== undefined) {
    options.masterPort = integer('--master-port', found.masterPort, 1);
    if (options.masterPort > 65535)
      throw new LaunchError(`ner-launch: --master-port ${options.masterPort} is not a TCP port`);
  }
  if (found.backend !== undefined) {
    if (!BACKENDS.includes(found.backend as BackendName)) {
      throw new LaunchError(
        `ner-launch: --backend must be one of ${BACKENDS.join(', ')}, got '${found.backend}'`,
      );
    }
    options.backend = found.backend as BackendName;
  }
  if (found.secret !== undefined) options.secret = found.secret;
  if (found.mixedPrecision !== undefined) {
    const value = found.mixedPrecision as (typeof MIXED_PRECISIONS)[number];
    if (!MIXED_PRECISIONS.includes(value)) {
      throw new LaunchError(
        `ner-launch: --mixed-precision must be one of ${MIXED_PRECISIONS.join(', ')}, got '${found.mixedPrecision}'`,
      );
    }
    options.mixedPrecision = value;
  }
  if (found.gradientAccumulationSteps !== undefined) {
    options.gradientAccumulationSteps = integer(
      '--gradient-accumulation-steps',
      found.gradientAccumulationSteps,
      1,
    );
  }
  if (found.gpus !== undefined) {
    options.gpus = found.gpus === 'all' ? true : found.gpus.split(',').map((id) => integer('--gpus', id, 0));
  }
  return { help: false, options };
}
