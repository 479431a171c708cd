/**
 * Which files make which split, the way 🤗 Datasets infers it for a folder or repo without a loading
 * script: the most common data format wins, and a file belongs to the split whose keyword appears in its
 * path as a whole word (`train`/`training`; `validation`/`valid`/`dev`/`val`; `test`/`testing`/`eval`/
 * `evaluation`), or to the split named by its folder in the parquet-conversion layout
 * (`{config}/{split}/0000.parquet`). Files with no keyword go to `train` when no file has one.
 */
import { DatasetUsageError } from './errors.js';

/** Formats the readers handle. */
export type DataFormat = 'conll' | 'jsonl' | 'csv' | 'tsv' | 'parquet';

const EXTENSIONS: Record<string, DataFormat> = {
  '.txt': 'conll',
  '.conll': 'conll',
  '.conllu': 'conll',
  '.iob': 'conll',
  '.bio': 'conll',
  '.jsonl': 'jsonl',
  '.json': 'jsonl',
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.parquet': 'parquet',
};

const SPLIT_KEYWORDS: [split: string, words: string[]][] = [
  ['train', ['train', 'training']],
  ['validation', ['validation', 'valid', 'dev', 'val']],
  ['test', ['test', 'testing', 'eval', 'evaluation']],
];

/** The format of a file name, or undefined. */
export function formatOf(path: string): DataFormat | undefined {
  const dot = path.lastIndexOf('.');
  return dot === -1 ? undefined : EXTENSIONS[path.slice(dot).toLowerCase()];
}

/** The split a path's keywords name, or undefined. */
export function splitOf(path: string): string | undefined {
  const words = path
    .toLowerCase()
    .split(/[/\\\-_. ]+|(?<=[a-z])(?=\d)/)
    .filter(Boolean);
  for (const [split, keywords] of SPLIT_KEYWORDS)
    if (keywords.some((word) => words.includes(word))) return split;
  return undefined;
}

/** Train, validation, test first, then the rest alphabetically. */
export function orderSplits(names: Iterable<string>): string[] {
  const rank = (name: string) => {
    const index = ['train', 'validation', 'test'].indexOf(name);
    return index === -1 ? 3 : index;
  };
  return [...names].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** Split → files, and the format. */
export interface DataFilePlan {
  readonly format: DataFormat;
  readonly splits: Record<string, string[]>;
}

/** Groups `files` (repo-relative or local paths) into splits; see the module comment. */
export function planDataFiles(
  files: readonly string[],
  options: { config?: string; where: string },
): DataFilePlan {
  const skipped = (path: string) =>
    /(^|\/)(readme|license|licence|changelog)(\.[a-z]+)?$/i.test(path) || path.startsWith('.');
  let candidates = files.filter((path) => formatOf(path) !== undefined && !skipped(path));
  // Parquet conversion layout: {config}/{split}/*.parquet or {config}/*-{split}.parquet.
  const parquet = candidates.filter((path) => formatOf(path) === 'parquet');
  if (parquet.length > 0) {
    const configs = [
      ...new Set(parquet.filter((path) => path.includes('/')).map((path) => path.split('/')[0] as string)),
    ];
    let config = options.config;
    if (config === undefined && configs.length > 1 && parquet.every((path) => path.includes('/'))) {
      if (configs.includes('default')) config = 'default';
      else if (!configs.includes('data')) {
        throw new DatasetUsageError(
          `${options.where} has several configurations [${configs.join(', ')}]; pick one with the "name" option.`,
        );
      }
    }
    if (config !== undefined) {
      const inConfig = parquet.filter((path) => path.startsWith(`${config}/`));
      if (inConfig.length === 0) {
        throw new DatasetUsageError(
          `${options.where} has no configuration "${config}"; it has [${configs.join(', ')}].`,
        );
      }
      const splits: Record<string, string[]> = {};
      for (const path of inConfig.sort()) {
        const parts = path.split('/');
        const split =
          parts.length >= 3 ? (parts[1] as string) : (splitOf(parts.slice(1).join('/')) ?? 'train');
        addTo(splits, split, path);
      }
      return { format: 'parquet', splits };
    }
    candidates = parquet;
  } else if (options.config !== undefined) {
    candidates = candidates.filter((path) => path.startsWith(`${options.config}/`));
  }
  if (candidates.length === 0) {
    throw new DatasetUsageError(
      `${options.where} has no data files (.txt/.conll, .jsonl/.json, .csv/.tsv, .parquet).`,
    );
  }
  const counts = new Map<DataFormat, number>();
  for (const path of candidates)
    counts.set(formatOf(path) as DataFormat, (counts.get(formatOf(path) as DataFormat) ?? 0) + 1);
  const format = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] as DataFormat;
  const chosen = candidates.filter((path) => formatOf(path) === format).sort();
  const splits: Record<string, string[]> = {};
  const keyed = chosen.filter((path) => splitOf(path) !== undefined);
  for (const path of keyed.length > 0 ? keyed : chosen) addTo(splits, splitOf(path) ?? 'train', path);
  return { format, splits };
}

function addTo(splits: Record<string, string[]>, split: string, path: string): void {
  const list = splits[split];
  if (list === undefined) splits[split] = [path];
  else list.push(path);
}
