/**
 * The table of device kernels: every `kernels/*.ts` file adds its kernels here, and
 * `register.ts` registers them under `cuda` over the cpu fallbacks.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { type CudaKernelArgs, runOnCpu } from '../fallback.js';

/** A kernel function of the cuda backend. */
export type CudaKernel = (args: CudaKernelArgs) => tf.TensorInfo | tf.TensorInfo[];

/** Kernel name -> device implementation. */
export const CUDA_KERNELS = new Map<string, CudaKernel>();

/** The cpu kernel functions, by name, for fallbacks from inside a device kernel. */
export const CPU_KERNELS = new Map<string, tf.KernelFunc>();

export function defineKernel(name: string, kernel: CudaKernel): void {
  CUDA_KERNELS.set(name, kernel);
}

/**
 * Runs the cpu version of `name` (counted as a fallback): for the cases a device kernel does
 * not cover (a dtype, a rank above 6, an attribute).
 */
export function fallback(name: string, args: CudaKernelArgs, why: string): tf.TensorInfo | tf.TensorInfo[] {
  const cpu = CPU_KERNELS.get(name);
  if (!cpu) throw new Error(`cuda: ${name} has no device version for this case (${why}) and no cpu kernel`);
  return runOnCpu(name, cpu, args, why);
}
