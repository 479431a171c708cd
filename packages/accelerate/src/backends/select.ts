/** Picks the engine by name, as `init_process_group(backend=...)` does. */
import type { BackendInit, BackendName, CollectiveBackend } from '../process-group/backend.js';
import { createGlooBackend } from './gloo.js';
import { createNcclBackend } from './nccl.js';

export function createBackend(name: BackendName, init: BackendInit): Promise<CollectiveBackend> {
  switch (name) {
    case 'gloo':
      return createGlooBackend(init);
    case 'nccl':
      return createNcclBackend(init);
  }
}
