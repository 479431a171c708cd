export type {
  BackendInit,
  BackendName,
  CollectiveBackend,
  HostArray,
  ReduceOp,
  StoreAddress,
} from './process-group/backend.js';
