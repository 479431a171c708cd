// A full disk for tests of write paths: `node:fs/promises` with a writeFile that fails the way
// Node's does on ENOSPC for the paths a test picks, and writes normally otherwise. Injected with
// vitest's `vi.mock` because a real full filesystem (a tiny tmpfs) needs root.

/**
 * The error Node gives for a write on a full disk. `namePath`: put the path in the message and
 * on `error.path` (as an open or a whole-file write reports it); without it the error names no
 * path, as a failed `write` call does, so the code under test must name the file itself.
 */
export function enospcError(path, namePath = false) {
  const message = namePath
    ? `ENOSPC: no space left on device, write '${path}'`
    : 'ENOSPC: no space left on device, write';
  return Object.assign(new Error(message), {
    code: 'ENOSPC',
    errno: -28,
    syscall: 'write',
    ...(namePath ? { path } : {}),
  });
}

/**
 * `actual` (the real `node:fs/promises`) with a writeFile that rejects with {@link enospcError}
 * whenever `disk.failWhen(path)` is true at the time of the call; `disk` is the test's switch
 * (made with `vi.hoisted`, so the mock factory can see it).
 */
export function fullDiskFsPromises(actual, disk, options = {}) {
  return {
    ...actual,
    writeFile: (path, ...rest) => {
      if (disk.failWhen?.(String(path))) return Promise.reject(enospcError(String(path), options.namePath));
      return actual.writeFile(path, ...rest);
    },
  };
}
