/**
 * Who may still be writing a temporary file or folder. Atomic writes name
 * their temporaries with the writer's pid (models' `savePretrained`, the
 * trainer's checkpoint folders and Hub staging folders), so the clean-up of
 * what a killed process left behind can tell orphans from work in progress.
 */

/** Temporaries this process is writing now (absolute paths): never orphans, even with our pid. */
export const temporariesInProgress = new Set<string>();

/** Whether process `pid` may be alive: signal 0 reaches it, or it exists but is not ours to signal. */
export function processMayBeAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown } | null)?.code === 'EPERM';
  }
}

/** True when the process `pid` that named `temporary` may still be writing it. */
export function writerMayBeActive(pid: number, temporary: string): boolean {
  // Our own pid: either a temporary we are writing now, or one left by an
  // earlier process that had the same pid (pid 1 in every container start).
  if (pid === process.pid) return temporariesInProgress.has(temporary);
  return processMayBeAlive(pid);
}
