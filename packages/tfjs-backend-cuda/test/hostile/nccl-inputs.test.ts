// Hostile input to NcclCommunicator on the fake device: dtypes NCCL cannot reduce, shapes that
// do not split, ranks and roots out of range, disposed tensors, bad unique ids, use after destroy.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { NcclCommunicator, ncclGetUniqueId } from '../../src/nccl/communicator.js';
import { onRealGpu, useFakeCuda } from '../fake-backend.js';

async function communicator(worldSize: number, rank: number): Promise<NcclCommunicator> {
  return NcclCommunicator.init(ncclGetUniqueId(), worldSize, rank);
}

describe.skipIf(onRealGpu)('NcclCommunicator given bad input', () => {
  it('refuses what NCCL cannot take, naming the tensor and the rule', async () => {
    await useFakeCuda();
    const comm = await communicator(2, 0);
    const ints = tf.tensor1d([1, 2], 'int32');
    await expect(comm.allReduce(ints, 'avg')).rejects.toThrow(
      "allReduce: 'avg' needs a float32 tensor, got int32",
    );
    await expect(comm.allReduce(tf.tensor1d([true], 'bool'))).rejects.toThrow(
      'allReduce: a bool tensor cannot be reduced (float32 or int32 only)',
    );
    await expect(comm.allReduce(ints, 'prod' as 'sum')).rejects.toThrow(
      "op 'prod' is not one of sum, max, min, avg",
    );
    await expect(comm.reduceScatter(tf.tensor1d([1, 2, 3]))).rejects.toThrow(
      'reduceScatter: the first axis of a tensor of shape [3] must be a multiple of worldSize 2',
    );
    await expect(comm.broadcast(ints, 2)).rejects.toThrow(
      'broadcast: root 2 is not a rank of this communicator (0..1)',
    );
    const gone = tf.tensor1d([1]);
    gone.dispose();
    await expect(comm.allReduce(gone)).rejects.toThrow('allReduce: the tensor is disposed');
    await expect(NcclCommunicator.init(new Uint8Array(64), 2, 0)).rejects.toThrow(
      'the unique id must be a Uint8Array of 128 bytes (from ncclGetUniqueId), got 64 bytes',
    );
    await expect(NcclCommunicator.init(ncclGetUniqueId(), 2, 2)).rejects.toThrow(
      'rank 2 is not an integer in [0, 2)',
    );
    comm.destroy();
    await expect(comm.allReduce(ints)).rejects.toThrow(
      'allReduce: the communicator was destroyed or aborted',
    );
    ints.dispose();
  });
});
