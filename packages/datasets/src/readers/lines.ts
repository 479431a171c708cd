/**
 * Line iteration for the text readers: `\n` or `\r\n` endings, 1-based line numbers, a bound on line
 * length, and a UTF-8 BOM dropped from the first line. Files are streamed in chunks, so memory holds one
 * chunk and at most one unfinished line (bounded by `maxLineChars`), never the whole text.
 */
import { DatasetFormatError } from '../errors.js';
import { pushFileChunks } from './text-stream.js';
import { DEFAULT_LIMITS, type ReadLimits } from '../limits.js';

/** Called per line with its text (no line ending) and 1-based number. */
export type LineHandler = (line: string, lineNumber: number) => void;

/** Calls `fn(line, lineNumber)` for every line of `text` (a last line without `\n` included). */
export function forEachLine(text: string, file: string, limits: ReadLimits, fn: LineHandler): void {
  const splitter = new LineSplitter(file, limits, fn);
  splitter.push(text);
  splitter.end();
}

/** {@link forEachLine} over a file, read as a UTF-8 stream. */
export async function forEachLineOfFile(path: string, limits: ReadLimits, fn: LineHandler): Promise<void> {
  const splitter = new LineSplitter(path, limits, fn);
  await pushFileChunks(path, splitter);
  splitter.end();
}

/** Cuts chunks of text into lines; a line may span chunks. Call `push` per chunk, then `end`. */
export class LineSplitter {
  private readonly maxLine: number;
  /** The unfinished last line of the chunks so far. */
  private carry = '';
  private lineNumber = 0;
  private started = false;

  constructor(
    private readonly file: string,
    limits: ReadLimits,
    private readonly fn: LineHandler,
  ) {
    this.maxLine = limits.maxLineChars ?? DEFAULT_LIMITS.maxLineChars;
  }

  push(chunk: string): void {
    let start = 0;
    if (!this.started && chunk.length > 0) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) start = 1;
    }
    let end = chunk.indexOf('\n', start);
    if (end !== -1 && this.carry !== '') {
      // The carried line ends in this chunk; join only that piece (bounded by the limit checked below).
      const line = this.carry + chunk.slice(start, end);
      this.carry = '';
      this.emit(line, 0, line.length);
      start = end + 1;
      end = chunk.indexOf('\n', start);
    }
    while (end !== -1) {
      this.emit(chunk, start, end);
      start = end + 1;
      end = chunk.indexOf('\n', start);
    }
    if (start < chunk.length) this.carry += chunk.slice(start);
    // An unfinished line may still lose a trailing `\r`: allow one more character until it ends.
    if (this.carry.length > this.maxLine + 1) this.tooLong(this.lineNumber + 1, `more than ${this.maxLine}`);
  }

  end(): void {
    if (this.carry !== '') {
      const line = this.carry;
      this.carry = '';
      this.emit(line, 0, line.length);
    }
  }

  /** Hands `text[start, end)` on as one line, without a trailing `\r`. */
  private emit(text: string, start: number, end: number): void {
    this.lineNumber += 1;
    const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    if (stop - start > this.maxLine) this.tooLong(this.lineNumber, String(stop - start));
    this.fn(text.slice(start, stop), this.lineNumber);
  }

  private tooLong(lineNumber: number, size: string): never {
    throw new DatasetFormatError(
      this.file,
      lineNumber,
      `line is ${size} characters; the limit is ${this.maxLine} (option maxLineChars).`,
    );
  }
}
