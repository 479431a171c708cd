/**
 * Loading of the gloo N-API addon (`build/Release/ner_gloo.node`, built at install from
 * native/gloo against Debian's libgloo-dev). Loading never throws: {@link loadGloo} says why the
 * engine is unavailable instead.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { missingAddonReason, readBuildRecord } from '../../../../tools/native-build/build-record.js';
import type { HostArray, ReducibleArray } from '../process-group/backend.js';
import { GLOO_INSTALL_HINT } from './gloo-errors.js';

/** An opaque connected gloo context, owned by the addon. */
export type GlooContextHandle = { readonly __glooContext: unique symbol };

/** Reduce op codes of the addon, in its enum's order. */
export const REDUCE_OP_CODES = { sum: 0, mean: 1, max: 2, min: 3 } as const;

/** What `connect` needs: the rendezvous store, this rank, and where its transport binds. */
export interface GlooConnectOptions {
  rank: number;
  size: number;
  storeHost: string;
  storePort: number;
  secret: string;
  prefix: string;
  timeoutMs: number;
  /** Address (or name) the TCP transport binds to; ignored when `iface` is set. */
  hostname?: string;
  /** Network interface the TCP transport binds to. */
  iface?: string;
}

/**
 * How a connected group moves its data: `shm` (one POSIX shared-memory segment; every rank on
 * this host, `NER_ACCELERATE_SHM` not `0`) or `tcp` (gloo's TCP transport).
 */
export type GlooTransport = 'shm' | 'tcp';

/** The addon's exports. Every call returns a promise settled from libuv's thread pool. */
export interface GlooAddon {
  readonly glooVersion: string;
  connect(options: GlooConnectOptions): Promise<GlooContextHandle>;
  allReduce(handle: GlooContextHandle, data: ReducibleArray, op: number): Promise<void>;
  allGatherV(
    handle: GlooContextHandle,
    input: HostArray,
    output: HostArray,
    counts: readonly number[],
  ): Promise<void>;
  broadcast(handle: GlooContextHandle, data: HostArray, root: number): Promise<void>;
  reduceScatter(
    handle: GlooContextHandle,
    input: ReducibleArray,
    output: ReducibleArray,
    counts: readonly number[],
    op: number,
  ): Promise<void>;
  barrier(handle: GlooContextHandle): Promise<void>;
  /** 'shm' when every rank is on this host and the collectives go through shared memory. */
  transport(handle: GlooContextHandle): GlooTransport;
  close(handle: GlooContextHandle): Promise<void>;
}

/** Result of {@link loadGloo}. */
export type GlooAvailability =
  | { available: true; addon: GlooAddon; path: string; glooVersion: string }
  | { available: false; reason: string };

// This file runs from src/backends/ (tests) and from dist/ (ESM and CJS builds). It cannot use
// import.meta: that syntax would break the CJS build, which tsup emits from the same source.
function moduleDir(): string {
  if (typeof __dirname === 'string') return __dirname;
  // ESM: the file this function runs from, read from V8's structured call sites.
  const original = Error.prepareStackTrace;
  try {
    Error.prepareStackTrace = (_error, callSites) => callSites;
    const callSites = new Error().stack as unknown as NodeJS.CallSite[];
    const file = callSites[0]?.getFileName() ?? '';
    return dirname(file.startsWith('file:') ? fileURLToPath(file) : file);
  } finally {
    Error.prepareStackTrace = original;
  }
}

/** Where the addon is looked for, in order: `NER_GLOO_ADDON`, then the package's build folder. */
export function glooAddonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const here = moduleDir();
  const candidates = [
    join(here, '..', 'build', 'Release', 'ner_gloo.node'),
    join(here, '..', '..', 'build', 'Release', 'ner_gloo.node'),
  ];
  return env.NER_GLOO_ADDON ? [env.NER_GLOO_ADDON, ...candidates] : candidates;
}

/**
 * Why the package's addon is missing, from the record its install script left beside the build
 * (libgloo or a compiler missing, skipped, compile errors; no record: the script never ran).
 * `buildDirs`: the package's build folder, seen from dist/ and from src/backends/. @internal
 */
export function missingGlooReason(
  buildDirs: readonly string[] = [join(moduleDir(), '..', 'build'), join(moduleDir(), '..', '..', 'build')],
): string {
  const record = buildDirs
    .map((dir) => readBuildRecord(join(dir, 'ner-build.json')))
    .find((found) => found !== null);
  return missingAddonReason(record ?? null, {
    what: 'the gloo addon',
    packageName: '@ner/accelerate',
    verboseVar: 'NER_GLOO_VERBOSE',
  });
}

let cached: GlooAvailability | undefined;

/**
 * Loads the addon once per process. `{ available: false, reason }` when it is disabled
 * (`NER_GLOO_DISABLE`), not built (libgloo or a compiler was missing at install) or fails to load.
 */
export function loadGloo(): GlooAvailability {
  cached ??= loadUncached();
  return cached;
}

function loadUncached(): GlooAvailability {
  if (process.env.NER_GLOO_DISABLE) return { available: false, reason: 'disabled by NER_GLOO_DISABLE' };
  const path = glooAddonCandidates().find((candidate) => existsSync(candidate));
  if (!path) return { available: false, reason: missingGlooReason() };
  try {
    // process.dlopen works the same from the ESM and the CJS build (no createRequire needed).
    const module = { exports: {} as GlooAddon };
    process.dlopen(module, path);
    return { available: true, addon: module.exports, path, glooVersion: module.exports.glooVersion };
  } catch (error) {
    const first = String((error as Error).message ?? error).split('\n')[0];
    return {
      available: false,
      reason: `the gloo addon at ${path} failed to load: ${first}`,
    };
  }
}

/** One line for logs: `gloo 0.5.0 (<path>)`, or `unavailable: <reason>. <apt line>`. */
export function describeGloo(): string {
  const loaded = loadGloo();
  return loaded.available
    ? `gloo ${loaded.glooVersion} (${loaded.path})`
    : `unavailable: ${loaded.reason}. ${GLOO_INSTALL_HINT}`;
}
