/**
 * `Cast` from bool or int32 to float32 writes a real Float32Array. The cpu kernel
 * shares the Uint8Array / Int32Array instead (no encoding loss), which would send
 * every later op on that tensor (dropout and attention masks) to the slow path.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type KernelArgs, fallback, outputArray, valuesOf } from './util.js';

export function castKernel(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { dtype } = (args.attrs ?? {}) as { dtype?: string };
  if (dtype === 'float32' && (x.dtype === 'bool' || x.dtype === 'int32')) {
    const values = valuesOf(args.backend, x);
    if (values instanceof Uint8Array || values instanceof Int32Array) {
      const out = outputArray(values.length);
      out.set(values);
      return args.backend.makeTensorInfo([...x.shape], 'float32', out);
    }
  }
  return fallback(tf.Cast, args);
}
