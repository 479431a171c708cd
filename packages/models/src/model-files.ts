/**
 * Finds a checkpoint's files: a local folder always works; anything else is
 * treated as a Hub id and resolved through @ner/hub (same cache as Python's
 * huggingface_hub), loaded lazily so local use never needs it.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CheckpointError } from './errors.js';

/** Resolves one file of a Hub repo to a local path, `null` when the repo has no such file. */
export type FileResolver = (filename: string) => Promise<string | null>;

/** How to reach the Hub (all optional; @ner/hub reads HF_HOME, HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE). */
export interface HubOptions {
  readonly revision?: string;
  readonly cacheDir?: string;
  readonly token?: string;
  readonly localFilesOnly?: boolean;
  /** Plug in a resolver (tests, custom storage); overrides @ner/hub. */
  readonly resolveFile?: (repoId: string, filename: string) => Promise<string | null>;
}

type HubModule = {
  resolveFiles?: (repoId: string, filenames: string[], options?: Record<string, unknown>) => Promise<unknown>;
};

function pickPath(result: unknown, filename: string): string | null {
  if (result instanceof Map) return (result.get(filename) as string | null | undefined) ?? null;
  if (Array.isArray(result)) return (result[0] as string | null | undefined) ?? null;
  if (result && typeof result === 'object') {
    const value = (result as Record<string, unknown>)[filename];
    if (typeof value === 'string') return value;
    if (value && typeof value === 'object' && typeof (value as { path?: unknown }).path === 'string') {
      return (value as { path: string }).path;
    }
    return null;
  }
  return typeof result === 'string' ? result : null;
}

async function hubResolver(repoId: string, options: HubOptions): Promise<FileResolver> {
  if (options.resolveFile) {
    const custom = options.resolveFile;
    return (filename) => custom(repoId, filename);
  }
  let hub: HubModule;
  try {
    // A variable specifier keeps bundlers from inlining the optional dependency.
    const specifier = '@ner/hub';
    hub = (await import(specifier)) as HubModule;
  } catch (error) {
    throw new CheckpointError(
      `"${repoId}" is not a local folder, and @ner/hub (needed to fetch Hub models) could not be loaded: ${(error as Error).message}`,
    );
  }
  if (typeof hub.resolveFiles !== 'function') {
    throw new CheckpointError(`"${repoId}" is not a local folder, and this @ner/hub has no resolveFiles().`);
  }
  const resolveFiles = hub.resolveFiles;
  const hubOptions: Record<string, unknown> = { repoType: 'model' };
  if (options.revision !== undefined) hubOptions.revision = options.revision;
  if (options.cacheDir !== undefined) hubOptions.cacheDir = options.cacheDir;
  if (options.token !== undefined) hubOptions.token = options.token;
  if (options.localFilesOnly !== undefined) hubOptions.localFilesOnly = options.localFilesOnly;
  return async (filename) => {
    try {
      return pickPath(await resolveFiles(repoId, [filename], hubOptions), filename);
    } catch (error) {
      if (filename === 'config.json') throw error;
      return null;
    }
  };
}

/** A resolver for `pathOrId`: files of a local folder, or of a Hub repo. */
export async function modelFileResolver(pathOrId: string, options: HubOptions = {}): Promise<FileResolver> {
  const local = resolve(pathOrId);
  if (existsSync(local)) {
    if (!statSync(local).isDirectory()) {
      throw new CheckpointError(
        `${local} is a file; fromPretrained expects a folder with config.json and model.safetensors.`,
      );
    }
    return async (filename) => {
      const path = join(local, filename);
      return existsSync(path) ? path : null;
    };
  }
  if (pathOrId.startsWith('.') || pathOrId.startsWith('/') || pathOrId.split('/').length > 2) {
    throw new CheckpointError(
      `Folder ${local} does not exist (and "${pathOrId}" is not a Hub id like "bert-base-cased").`,
    );
  }
  return hubResolver(pathOrId, options);
}
