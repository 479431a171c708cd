/**
 * `loadDataset(pathOrId, options)`: Python's `load_dataset` for local folders/files and for Hub dataset
 * repos without a loading script (their data files, or the Hub's parquet conversion). Known corpora
 * (folders named `conll2003`, `wnut17`/`wnut_17`, `sentiment`) get the Hub versions' column and label
 * names, so local and Hub copies give the same ids.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import {
  type HubOptions,
  LocalEntryNotFoundError,
  listRepoFiles,
  type RepoListing,
  resolveFiles,
} from '@ner/hub';
import { concatenateDatasets } from './concatenate.js';
import { type DataFormat, formatOf, orderSplits, planDataFiles, splitOf } from './data-files.js';
import type { Dataset } from './dataset.js';
import { DatasetDict } from './dataset-dict.js';
import { DatasetUsageError } from './errors.js';
import { ClassLabel, Features, Value } from './features.js';
import {
  CONLL2003_CHUNK_NAMES,
  CONLL2003_NER_NAMES,
  CONLL2003_POS_NAMES,
  type KnownCorpus,
  knownCorpusOf,
  SENTIMENT_LABEL_NAMES,
  WNUT17_NER_NAMES,
} from './known-corpora.js';
import type { ReadLimits } from './limits.js';
import { type ConllOptions, readConll } from './readers/conll.js';
import { readCsv } from './readers/csv.js';
import { readJsonl } from './readers/jsonl.js';
import { readParquet } from './readers/parquet.js';
import { checkOptionNames } from './option-names.js';

/** Options of {@link loadDataset}. */
export interface LoadDatasetOptions
  extends ReadLimits,
    Pick<HubOptions, 'cacheDir' | 'token' | 'endpoint' | 'localFilesOnly' | 'retry' | 'progress'> {
  /** Hub revision; `'convert/parquet'` is taken as `'refs/convert/parquet'`. Default: `main`, then the parquet conversion when `main` has no data files. */
  readonly revision?: string;
  /** Return only this split (a `Dataset` instead of a `DatasetDict`). */
  readonly split?: string;
  /** Configuration (Python's `name`), e.g. `'english'`: a top-level folder of the repo. */
  readonly name?: string;
  /** Explicit files: one path, a list (all `train`), or split → path(s); relative to the folder or repo. */
  readonly dataFiles?: string | readonly string[] | Readonly<Record<string, string | readonly string[]>>;
  /** Force a format instead of inferring it from extensions. */
  readonly format?: DataFormat;
  /** Column types for JSONL/CSV/parquet files (parquet files otherwise use their `huggingface` metadata). */
  readonly features?: Features;
  /** CoNLL reader options (columns, label names, tag scheme). */
  readonly conll?: ConllOptions;
  /** Treat a local folder as this known corpus (default: from the folder name). */
  readonly corpus?: KnownCorpus | 'none';
}

/** Loads every split (a `DatasetDict`), or one split when `options.split` is set. */
export async function loadDataset(
  pathOrId: string,
  options: LoadDatasetOptions & { split: string },
): Promise<Dataset>;
export async function loadDataset(pathOrId: string, options?: LoadDatasetOptions): Promise<DatasetDict>;
export async function loadDataset(
  pathOrId: string,
  options: LoadDatasetOptions = {},
): Promise<Dataset | DatasetDict> {
  checkOptionNames(options, 'loadDataset');
  const local = await localKind(pathOrId);
  const loaded =
    local === undefined
      ? await loadFromHub(pathOrId, options)
      : await loadLocal(resolve(pathOrId), local, options);
  if (options.split === undefined) return loaded;
  return loaded.get(options.split);
}

async function localKind(path: string): Promise<'file' | 'folder' | undefined> {
  try {
    const info = await stat(path);
    return info.isDirectory() ? 'folder' : 'file';
  } catch {
    if (path.startsWith('.') || path.startsWith('/') || path.split('/').length > 2) {
      throw new DatasetUsageError(
        `${resolve(path)} does not exist, and "${path}" is not a Hub dataset id like "org/name".`,
      );
    }
    return undefined;
  }
}

async function loadLocal(
  path: string,
  kind: 'file' | 'folder',
  options: LoadDatasetOptions,
): Promise<DatasetDict> {
  const root = kind === 'folder' ? path : resolve(path, '..');
  const corpus = options.corpus === 'none' ? undefined : (options.corpus ?? knownCorpusOf(basename(root)));
  let splits: Record<string, string[]>;
  let format: DataFormat | undefined = options.format;
  if (options.dataFiles !== undefined) {
    splits = normalizeDataFiles(options.dataFiles);
  } else if (kind === 'file') {
    splits = { [splitOf(basename(path)) ?? 'train']: [relative(root, path)] };
  } else {
    const top = await listFolder(root, false);
    const plan = planDataFiles(
      top.some((file) => formatOf(file) !== undefined) ? top : await listFolder(root, true),
      {
        where: `Folder ${root}`,
        ...(options.name === undefined ? {} : { config: options.name }),
      },
    );
    splits = plan.splits;
    format ??= plan.format;
  }
  const datasets: [string, Dataset][] = [];
  for (const split of orderSplits(Object.keys(splits))) {
    const files = (splits[split] as string[]).map((file) => resolve(root, file));
    const parts: Dataset[] = [];
    for (const file of files)
      parts.push(await readFileAs(file, format ?? inferFormat(file), corpus, options));
    datasets.push([split, concatenateDatasets(parts)]);
  }
  return new DatasetDict(datasets);
}

async function loadFromHub(repoId: string, options: LoadDatasetOptions): Promise<DatasetDict> {
  const hubOptions: HubOptions = {
    repoType: 'dataset',
    ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
    ...(options.token === undefined ? {} : { token: options.token }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.localFilesOnly === undefined ? {} : { localFilesOnly: options.localFilesOnly }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.progress === undefined ? {} : { progress: options.progress }),
  };
  let revision =
    options.revision === 'convert/parquet' ? 'refs/convert/parquet' : (options.revision ?? 'main');
  const hasData = (files: readonly string[]) =>
    files.some((file) => formatOf(file) !== undefined && !/(^|\/)readme/i.test(file));
  let listing: RepoListing | undefined;
  try {
    listing = await listRepoFiles(repoId, { ...hubOptions, revision });
  } catch (error) {
    // Offline (or Hub unreachable) with only the parquet conversion cached: fall through to it below.
    if (!(error instanceof LocalEntryNotFoundError) || options.revision !== undefined) throw error;
  }
  if (
    options.revision === undefined &&
    options.dataFiles === undefined &&
    (listing === undefined || !hasData(listing.files))
  ) {
    // A script-based dataset: the Hub's parquet conversion holds its data (Python datasets does the same).
    revision = 'refs/convert/parquet';
    listing = await listRepoFiles(repoId, { ...hubOptions, revision });
  }
  const files = listing?.files ?? [];
  const commit = listing?.commit;
  const where = `Dataset repo "${repoId}" at revision "${revision}"`;
  let splits: Record<string, string[]>;
  let format = options.format;
  if (options.dataFiles !== undefined) {
    splits = normalizeDataFiles(options.dataFiles);
    for (const files of Object.values(splits)) {
      for (const file of files) {
        if (!files.includes(file)) throw new DatasetUsageError(`${where} has no file "${file}".`);
      }
    }
  } else {
    const plan = planDataFiles(files, {
      where,
      ...(options.name === undefined ? {} : { config: options.name }),
    });
    splits = plan.splits;
    format ??= plan.format;
  }
  // Pin the commit the listing saw, so every file comes from the same snapshot.
  const pinned = { ...hubOptions, revision: commit ?? revision };
  const datasets: [string, Dataset][] = [];
  for (const split of orderSplits(Object.keys(splits))) {
    const files = splits[split] as string[];
    const paths = await resolveFiles(repoId, files, pinned);
    const parts: Dataset[] = [];
    for (let i = 0; i < paths.length; i += 1) {
      parts.push(
        await readFileAs(paths[i] as string, format ?? inferFormat(files[i] as string), undefined, options),
      );
    }
    datasets.push([split, concatenateDatasets(parts)]);
  }
  return new DatasetDict(datasets);
}

function inferFormat(file: string): DataFormat {
  const format = formatOf(file);
  if (format === undefined)
    throw new DatasetUsageError(
      `Cannot tell the format of ${file} from its extension; pass the "format" option.`,
    );
  return format;
}

function normalizeDataFiles(
  dataFiles: NonNullable<LoadDatasetOptions['dataFiles']>,
): Record<string, string[]> {
  if (typeof dataFiles === 'string') return { train: [dataFiles] };
  if (Array.isArray(dataFiles)) return { train: [...(dataFiles as readonly string[])] };
  return Object.fromEntries(
    Object.entries(dataFiles as Record<string, string | readonly string[]>).map(([split, files]) => [
      split,
      typeof files === 'string' ? [files] : [...files],
    ]),
  );
}

async function readFileAs(
  path: string,
  format: DataFormat,
  corpus: KnownCorpus | undefined,
  options: LoadDatasetOptions,
): Promise<Dataset> {
  const limits: ReadLimits = {
    ...(options.maxFileBytes === undefined ? {} : { maxFileBytes: options.maxFileBytes }),
    ...(options.maxLineChars === undefined ? {} : { maxLineChars: options.maxLineChars }),
    ...(options.maxTokensPerSentence === undefined
      ? {}
      : { maxTokensPerSentence: options.maxTokensPerSentence }),
    ...(options.maxJsonDepth === undefined ? {} : { maxJsonDepth: options.maxJsonDepth }),
  };
  const features = options.features ?? (corpus === 'sentiment' ? sentimentFeatures() : undefined);
  switch (format) {
    case 'conll':
      return readConll(path, { ...limits, ...conllOptionsFor(corpus), ...options.conll });
    case 'jsonl':
      return readJsonl(path, { ...limits, ...(features ? { features } : {}) });
    case 'csv':
    case 'tsv':
      return readCsv(path, {
        ...limits,
        delimiter: format === 'tsv' ? '\t' : ',',
        ...(features ? { features } : {}),
      });
    case 'parquet':
      return readParquet(path, { ...limits, ...(options.features ? { features: options.features } : {}) });
  }
}

/** Column and label names of the known CoNLL-style corpora (Hub order). */
function conllOptionsFor(corpus: KnownCorpus | undefined): ConllOptions {
  if (corpus === 'conll2003') {
    return {
      columns: ['tokens', 'pos_tags', 'chunk_tags', 'ner_tags'],
      labelNames: {
        pos_tags: CONLL2003_POS_NAMES,
        chunk_tags: CONLL2003_CHUNK_NAMES,
        ner_tags: CONLL2003_NER_NAMES,
      },
    };
  }
  if (corpus === 'wnut17')
    return { columns: ['tokens', 'ner_tags'], labelNames: { ner_tags: WNUT17_NER_NAMES }, separator: '\t' };
  return {};
}

/** `text: Value('string'), label: ClassLabel(['positive', 'neutral', 'negative'])`. */
function sentimentFeatures(): Features {
  return new Features({ text: new Value('string'), label: new ClassLabel({ names: SENTIMENT_LABEL_NAMES }) });
}

/** Files under `root` relative to it, sorted; recursive when asked (skipping hidden folders). */
async function listFolder(root: string, recursive: boolean): Promise<string[]> {
  const out: string[] = [];
  const walk = async (folder: string) => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const full = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (recursive) await walk(full);
      } else {
        out.push(relative(root, full).split('\\').join('/'));
      }
    }
  };
  await walk(root);
  return out.sort();
}
