/**
 * Streams a UTF-8 file into a chunk consumer (the line and CSV splitters), so no reader holds the whole
 * text in memory, and a read failure becomes a {@link DatasetFormatError} naming the file.
 */
import { createReadStream } from 'node:fs';
import { DatasetFormatError } from '../errors.js';

/** Bytes read from a file at a time. */
const READ_CHUNK_BYTES = 1024 * 1024;

/** Anything that takes text chunk by chunk. */
export interface ChunkSink {
  push(chunk: string): void;
}

/**
 * Pushes every chunk of the file at `path` into `sink` (the caller ends the sink). Errors the sink
 * throws pass through unchanged; I/O errors become a `DatasetFormatError` at line 0 of `path`.
 */
export async function pushFileChunks(path: string, sink: ChunkSink): Promise<void> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: READ_CHUNK_BYTES });
  try {
    for await (const chunk of stream) sink.push(chunk as string);
  } catch (error) {
    if (error instanceof DatasetFormatError) throw error;
    throw new DatasetFormatError(path, 0, `cannot read: ${(error as Error).message}`);
  } finally {
    stream.destroy();
  }
}
