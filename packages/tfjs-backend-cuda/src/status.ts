/**
 * Whether a real GPU is behind the `cuda` backend: the addon's `probeCuda()` (src/addon.ts,
 * loaded dynamically so a missing or unbuilt addon only makes the backend unavailable).
 */
import type { CudaDeviceInfo, CudaProbe } from './device.js';
import { registerCudaBackend } from './register.js';

/** What {@link cudaStatus} reports. */
export interface CudaStatus {
  /** True when a device was found and the `cuda` backend is registered. */
  readonly available: boolean;
  /** Why not (one line), when unavailable. */
  readonly reason?: string;
  /**
   * True when unavailable because no NVIDIA driver (`libcuda.so.1`) was found, as opposed to a
   * driver or device that failed: `initBackend` leaves the former off its one log line.
   */
  readonly noDriver?: boolean;
  /** The device, when available. */
  readonly device?: CudaDeviceInfo;
}

let status: CudaStatus = { available: false, reason: 'probing (await cudaReady)' };

/** The result of the probe so far; final once {@link loadCuda}'s promise has resolved. */
export function cudaStatus(): CudaStatus {
  return status;
}

/** The addon module's specifier, in a variable so bundlers leave the optional module alone. */
const ADDON_MODULE = './addon.js';

/**
 * Loads the addon, probes for a device and, when one is there, registers the `cuda` backend on
 * it. Never throws: a missing addon, driver or GPU ends in `{available: false, reason}`.
 */
export async function loadCuda(
  load: () => Promise<{ probeCuda: () => CudaProbe }> = () => import(ADDON_MODULE),
): Promise<CudaStatus> {
  let probe: CudaProbe;
  try {
    const addon = await load();
    probe = addon.probeCuda();
  } catch (error) {
    const message = (error as Error).message?.split('\n')[0] ?? String(error);
    const missing = /Cannot find module|ERR_MODULE_NOT_FOUND|Failed to load url|does not exist/i.test(
      message,
    );
    status = { available: false, reason: missing ? `addon not built (${message})` : message };
    return status;
  }
  if (!probe.available) {
    status = probe.noDriver
      ? { available: false, reason: probe.reason, noDriver: true }
      : { available: false, reason: probe.reason };
    return status;
  }
  registerCudaBackend({ device: probe.device });
  status = { available: true, device: probe.device.info() };
  return status;
}
