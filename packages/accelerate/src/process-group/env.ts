import { CollectiveError } from '../errors.js';
import type { BackendName, EnvVars } from './backend.js';
import type { ProcessGroupOptions } from './process-group.js';

const BACKENDS: readonly BackendName[] = ['gloo', 'nccl'];

/**
 * The process-group options torchrun's environment describes: RANK, WORLD_SIZE, MASTER_ADDR,
 * MASTER_PORT, plus NER_STORE_SECRET and NER_PROCESS_GROUP_BACKEND from ner-launch, and
 * GLOO_SOCKET_IFNAME / NER_COLLECTIVE_TIMEOUT_MS when set.
 */
export function readProcessGroupEnv(env: EnvVars): ProcessGroupOptions {
  const integer = (name: string, fallback: string): number => {
    const raw = env[name] ?? fallback;
    const value = Number(raw);
    // Decimal digits only: Number() would also take '1e3', '0x10' or ' 2 '.
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(value)) {
      throw new CollectiveError(`${name} must be an integer, got '${raw}'`);
    }
    return value;
  };
  const options: ProcessGroupOptions = {
    rank: integer('RANK', '0'),
    worldSize: integer('WORLD_SIZE', '1'),
    masterAddr: env.MASTER_ADDR ?? '127.0.0.1',
    masterPort: integer('MASTER_PORT', '29500'),
  };
  if (env.NER_STORE_SECRET) options.secret = env.NER_STORE_SECRET;
  const backend = env.NER_PROCESS_GROUP_BACKEND;
  if (backend !== undefined && backend !== '') {
    if (!BACKENDS.includes(backend as BackendName)) {
      throw new CollectiveError(
        `NER_PROCESS_GROUP_BACKEND must be one of ${BACKENDS.join(', ')}, got '${backend}'`,
      );
    }
    options.backend = backend as BackendName;
  }
  if (env.GLOO_SOCKET_IFNAME) options.bindAddress = env.GLOO_SOCKET_IFNAME;
  if (env.NER_COLLECTIVE_TIMEOUT_MS) options.timeoutMs = integer('NER_COLLECTIVE_TIMEOUT_MS', '30000');
  return options;
}
