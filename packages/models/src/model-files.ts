/**
 * Finds a checkpoint's files: a local folder always works; anything else is
 * treated as a Hub id and resolved through @ner/hub (same cache as Python's
 * huggingface_hub).
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  EntryNotFoundError,
  type HubOptions,
  LocalEntryNotFoundError,
  pickHubOptions,
  resolveFiles,
} from '@ner/hub';
import { CheckpointError } from './errors.js';

/** Resolves one file of a Hub repo to a local path, `null` when the repo has no such file. */
export type FileResolver = (filename: string) => Promise<string | null>;

/**
 * Where checkpoint files come from: @ner/hub's `HubOptions` (revision, cache folder, token,
 * endpoint, offline; they default to HF_HOME, HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE), or a resolver
 * of your own.
 */
export interface ModelFileOptions extends HubOptions {
  /** Plug in a resolver (tests, custom storage); overrides @ner/hub. */
  readonly resolveFile?: (repoId: string, filename: string) => Promise<string | null>;
}

/**
 * A Hub repo's file resolver. A file the repo does not have (or, offline, the cache does not
 * hold) is `null`, as transformers' optional files are; every other failure (network, auth,
 * unknown repo or revision) is thrown, and so is any failure for config.json.
 */
function hubResolver(repoId: string, options: ModelFileOptions): FileResolver {
  const custom = options.resolveFile;
  if (custom) return (filename) => custom(repoId, filename);
  // Only the Hub's own options: the loader's (numLabels, dtype, ...) would be refused there.
  const hubOptions = pickHubOptions(options);
  return async (filename) => {
    try {
      const [path] = await resolveFiles(repoId, [filename], { ...hubOptions, repoType: 'model' });
      return path ?? null;
    } catch (error) {
      const missing = error instanceof EntryNotFoundError || error instanceof LocalEntryNotFoundError;
      if (!missing || filename === 'config.json') throw error;
      return null;
    }
  };
}

/** A resolver for `pathOrId`: files of a local folder, or of a Hub repo. */
export async function modelFileResolver(
  pathOrId: string,
  options: ModelFileOptions = {},
): Promise<FileResolver> {
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
