/**
 * Row-wise concatenation of datasets with the same columns and features (Python:
 * `concatenate_datasets`), used to join the shards of one split.
 */
import { Dataset } from './dataset.js';
import { DatasetUsageError } from './errors.js';

/** The rows of every dataset in order; columns and features must match (printed forms compared). */
export function concatenateDatasets(datasets: readonly Dataset[]): Dataset {
  const first = datasets[0];
  if (first === undefined) throw new DatasetUsageError('concatenateDatasets needs at least one dataset.');
  if (datasets.length === 1) return first;
  const expected = first.features.toString();
  datasets.forEach((dataset, i) => {
    if (dataset.features.toString() !== expected) {
      throw new DatasetUsageError(
        `concatenateDatasets: dataset ${i} has features ${dataset.features} but dataset 0 has ${expected}.`,
      );
    }
  });
  const columns = new Map<string, readonly unknown[]>();
  for (const name of first.columnNames)
    columns.set(
      name,
      datasets.flatMap((dataset) => dataset.column(name) as unknown[]),
    );
  return new Dataset(columns, first.features);
}
