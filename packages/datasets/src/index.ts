/**
 * @ner/datasets: typed, columnar datasets for token and sequence classification, like 🤗 Datasets:
 * features (ClassLabel, Sequence, Value), Dataset / DatasetDict, CoNLL / JSONL / CSV / Parquet readers,
 * and loadDataset for local corpora and Hub dataset repos.
 */
export {
  ClassLabel,
  Features,
  type FeatureType,
  featureFromJSON,
  inferFeature,
  Sequence,
  Value,
  type ValueDtype,
} from './features.js';
export {
  type Batch,
  type BatchFn,
  Dataset,
  type FilterOptions,
  type MapOptions,
  type MapResult,
  type Row,
  type RowFn,
  type ShuffleOptions,
  type SortOptions,
  type TrainTestSplitOptions,
} from './dataset.js';
export { DatasetDict } from './dataset-dict.js';
export { concatenateDatasets } from './concatenate.js';
export { numpyPermutation } from './numpy-permutation.js';
export { type LoadDatasetOptions, loadDataset } from './load-dataset.js';
export {
  type ConllOptions,
  type ConllReport,
  parseConll,
  readConll,
  readConllWithReport,
} from './readers/conll.js';
export { type JsonlOptions, parseJsonl, readJsonl } from './readers/jsonl.js';
export { type CsvOptions, type CsvRecord, parseCsv, parseCsvRecords, readCsv } from './readers/csv.js';
export { featuresFromParquetMetadata, type ParquetOptions, readParquet } from './readers/parquet.js';
export { detectTagScheme, iob1ToIob2, type TagScheme } from './tag-scheme.js';
export { type DataFilePlan, type DataFormat, planDataFiles } from './data-files.js';
export { alignWordsAndLabels, formatWordsWithLabels } from './format-labels.js';
export type { ReadLimits } from './limits.js';
export {
  CONLL2003_CHUNK_NAMES,
  CONLL2003_NER_NAMES,
  CONLL2003_POS_NAMES,
  type KnownCorpus,
  SENTIMENT_LABEL_NAMES,
  WNUT17_NER_NAMES,
} from './known-corpora.js';
export { DatasetError, DatasetFormatError, DatasetUsageError, FeatureError } from './errors.js';
