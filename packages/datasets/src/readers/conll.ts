/**
 * CoNLL column files: one token per line, columns separated by spaces or tabs, a blank line (or a line of
 * only whitespace, as in WNUT-17's original train file) between sentences, `-DOCSTART-` lines skipped.
 * The token column becomes `tokens` (`List(Value('string'))`); every other column becomes a
 * `List(ClassLabel(...))`, with the given label order or the order of first appearance. Entity and chunk
 * columns are checked for their tag scheme and IOB1 is converted to IOB2 unless told otherwise.
 */
import { Dataset } from '../dataset.js';
import { DatasetFormatError } from '../errors.js';
import { ClassLabel, Features, type FeatureType, Sequence, Value } from '../features.js';
import { checkFileSize, DEFAULT_LIMITS, type ReadLimits } from '../limits.js';
import { detectTagScheme, iob1ToIob2, prefixesOf, splitTag, type TagScheme } from '../tag-scheme.js';
import { forEachLine, forEachLineOfFile, type LineHandler } from './lines.js';

/** Options of the CoNLL reader. */
export interface ConllOptions extends ReadLimits {
  /**
   * Column names in file order; the first is the token column. Default: `tokens, pos_tags, chunk_tags,
   * ner_tags` for 4 columns, `tokens, ner_tags` for 2 (decided from the first token line).
   */
  readonly columns?: readonly string[];
  /** ClassLabel names per label column (their order is the id order); unknown tags are errors then. */
  readonly labelNames?: Readonly<Record<string, readonly string[]>>;
  /** Columns whose tags follow a B-/I- scheme (default: `ner_tags` and `chunk_tags` when present). */
  readonly tagColumns?: readonly string[];
  /** `'IOB2'` (default): convert IOB1 columns to IOB2. `'keep'`: leave tags as they are. */
  readonly tagScheme?: 'IOB2' | 'keep';
  /** Column separator: `'whitespace'` (default: runs of spaces/tabs), `' '` or `'\t'` (exactly one). */
  readonly separator?: 'whitespace' | ' ' | '\t';
  /** Add the `id` column (`'0'`, `'1'`, ... as strings, like the Hub's CoNLL datasets); default true. */
  readonly addId?: boolean;
}

/** What the reader found besides the rows. */
export interface ConllReport {
  /** Scheme detected per tag column before any conversion. */
  readonly schemes: Record<string, TagScheme>;
  /** `-DOCSTART-` lines skipped. */
  readonly docstarts: number;
  /** Token lines read. */
  readonly tokens: number;
}

const DEFAULT_COLUMNS: Record<number, readonly string[]> = {
  2: ['tokens', 'ner_tags'],
  4: ['tokens', 'pos_tags', 'chunk_tags', 'ner_tags'],
};

/** Reads a CoNLL file into a Dataset. */
export async function readConll(path: string, options: ConllOptions = {}): Promise<Dataset> {
  return (await readConllWithReport(path, options)).dataset;
}

/** {@link readConll} plus what it found (detected schemes, -DOCSTART- count). */
export async function readConllWithReport(
  path: string,
  options: ConllOptions = {},
): Promise<{ dataset: Dataset; report: ConllReport }> {
  await checkFileSize(path, options);
  const parser = conllParser(path, options);
  await forEachLineOfFile(path, options, parser.onLine);
  return parser.finish();
}

/** Parses CoNLL text; `file` names it in errors. */
export function parseConll(
  text: string,
  file: string,
  options: ConllOptions = {},
): { dataset: Dataset; report: ConllReport } {
  const parser = conllParser(file, options);
  forEachLine(text, file, options, parser.onLine);
  return parser.finish();
}

/** A line handler that gathers sentences, and `finish` that turns them into the dataset. */
function conllParser(
  file: string,
  options: ConllOptions,
): { onLine: LineHandler; finish: () => { dataset: Dataset; report: ConllReport } } {
  const maxTokens = options.maxTokensPerSentence ?? DEFAULT_LIMITS.maxTokensPerSentence;
  const splitter = options.separator === ' ' ? ' ' : options.separator === '\t' ? '\t' : /[ \t]+/;
  let columnNames = options.columns;
  // Per column: sentences of raw strings; sentence start lines for error positions.
  let sentences: string[][][] = [];
  let current: string[][] = [];
  const startLines: number[] = [];
  let currentStart = 0;
  let docstarts = 0;
  let tokens = 0;

  const endSentence = () => {
    if (current[0] !== undefined && current[0].length > 0) {
      for (let c = 0; c < current.length; c += 1) (sentences[c] as string[][]).push(current[c] as string[]);
      startLines.push(currentStart);
    }
    current = (columnNames ?? []).map(() => []);
  };

  const onLine: LineHandler = (line, lineNumber) => {
    if (line.trim() === '') {
      endSentence();
      return;
    }
    const fields = line.trim().split(splitter);
    if (fields[0] === '-DOCSTART-') {
      docstarts += 1;
      endSentence();
      return;
    }
    if (columnNames === undefined) {
      columnNames = DEFAULT_COLUMNS[fields.length];
      if (columnNames === undefined) {
        throw new DatasetFormatError(
          file,
          lineNumber,
          `${fields.length} columns and no "columns" option; give the column names (e.g. ['tokens', 'pos_tags', 'ner_tags']).`,
        );
      }
    }
    if (sentences.length === 0) {
      sentences = columnNames.map(() => []);
      current = columnNames.map(() => []);
    }
    if (fields.length !== columnNames.length) {
      throw new DatasetFormatError(
        file,
        lineNumber,
        `expected ${columnNames.length} columns (${columnNames.join(', ')}), found ${fields.length}: ${JSON.stringify(line)}`,
      );
    }
    if ((current[0] as string[]).length === 0) currentStart = lineNumber;
    if ((current[0] as string[]).length >= maxTokens) {
      throw new DatasetFormatError(
        file,
        lineNumber,
        `sentence longer than ${maxTokens} tokens (option maxTokensPerSentence); is a blank line missing?`,
      );
    }
    for (let c = 0; c < fields.length; c += 1) (current[c] as string[]).push(fields[c] as string);
    tokens += 1;
  };

  const finish = (): { dataset: Dataset; report: ConllReport } => {
    endSentence();

    const names = columnNames ?? options.columns ?? (DEFAULT_COLUMNS[4] as readonly string[]);
    if (sentences.length === 0) sentences = names.map(() => []);
    const tagColumns =
      options.tagColumns ?? names.filter((name) => name === 'ner_tags' || name === 'chunk_tags');
    const schemes: Record<string, TagScheme> = {};
    const columns = new Map<string, readonly unknown[]>();
    const types: [string, FeatureType][] = [];
    if (options.addId ?? true) {
      columns.set(
        'id',
        startLines.map((_, i) => String(i)),
      );
      types.push(['id', new Value('string')]);
    }
    names.forEach((name, c) => {
      let values = sentences[c] as string[][];
      if (c === 0) {
        columns.set(name, values);
        types.push([name, new Sequence(new Value('string'))]);
        return;
      }
      if (tagColumns.includes(name)) {
        const scheme = detectTagScheme(values);
        schemes[name] = scheme;
        checkTags(values, name, scheme, file, startLines);
        if (scheme === 'IOB1' && (options.tagScheme ?? 'IOB2') === 'IOB2') values = values.map(iob1ToIob2);
      }
      const { ids, label } = encodeColumn(values, name, options.labelNames?.[name], file, startLines);
      columns.set(name, ids);
      types.push([name, new Sequence(label)]);
    });
    return { dataset: new Dataset(columns, new Features(types)), report: { schemes, docstarts, tokens } };
  };
  return { onLine, finish };
}

/**
 * Every tag of a scheme column is `O` or `P-TYPE` with a prefix the detected scheme allows (`B`/`I` for
 * IOB1/IOB2, plus `E`/`S` for IOBES or `L`/`U` for BILOU); `X-ORG`, `B-`, `PER` are errors at file:line.
 */
function checkTags(
  sentences: readonly string[][],
  column: string,
  scheme: TagScheme,
  file: string,
  startLines: readonly number[],
): void {
  const prefixes = prefixesOf(scheme);
  const valid = new Set<string>();
  sentences.forEach((tags, s) => {
    tags.forEach((tag, t) => {
      if (valid.has(tag)) return;
      const prefix = splitTag(tag)?.[0];
      if (prefix !== 'O' && (prefix === undefined || !prefixes.includes(prefix))) {
        const expected = prefixes.map((p) => `"${p}-TYPE"`).join('/');
        const schemeNote = scheme === 'IOBES' || scheme === 'BILOU' ? ` (the column is ${scheme})` : '';
        throw new DatasetFormatError(
          file,
          (startLines[s] as number) + t,
          `column ${column}: tag ${JSON.stringify(tag)} is neither "O" nor ${expected}${schemeNote}.`,
        );
      }
      valid.add(tag);
    });
  });
}

/** Strings → class ids with the given names (unknown = error at file:line) or first-appearance order. */
function encodeColumn(
  sentences: readonly string[][],
  column: string,
  names: readonly string[] | undefined,
  file: string,
  startLines: readonly number[],
): { ids: number[][]; label: ClassLabel } {
  const lookup = new Map<string, number>((names ?? []).map((name, id) => [name, id]));
  const order = [...(names ?? [])];
  const ids = new Array<number[]>(sentences.length);
  for (let s = 0; s < sentences.length; s += 1) {
    const tags = sentences[s] as string[];
    const row = new Array<number>(tags.length);
    for (let t = 0; t < tags.length; t += 1) {
      const tag = tags[t] as string;
      let id = lookup.get(tag);
      if (id === undefined) {
        if (names !== undefined) {
          throw new DatasetFormatError(
            file,
            (startLines[s] as number) + t,
            `column ${column}: unknown label ${JSON.stringify(tag)}; expected one of ${JSON.stringify(names)}.`,
          );
        }
        id = order.length;
        order.push(tag);
        lookup.set(tag, id);
      }
      row[t] = id;
    }
    ids[s] = row;
  }
  return { ids, label: new ClassLabel({ names: order }) };
}
