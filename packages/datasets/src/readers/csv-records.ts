/**
 * An incremental RFC 4180 record splitter: text comes in chunks (a file stream, or a string cut into
 * pieces), records go out as soon as they end. Field text is taken as slices of the chunks, never built
 * one character at a time, and the field and record lengths are checked at every chunk boundary, so a
 * hostile file (one huge quoted field, a quote never closed) fails after reading about the limit instead
 * of growing a string to the size of the file.
 */
import { DatasetFormatError } from '../errors.js';

/** One parsed record and the line it started on. */
export interface CsvRecord {
  readonly fields: string[];
  /** Which fields were quoted (an empty quoted field is an empty string, an empty bare one is null). */
  readonly quoted: boolean[];
  readonly line: number;
}

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const BOM = 0xfeff;

/** Where the splitter stands between two characters. */
enum State {
  /** At the first character of a field. */
  FieldStart,
  /** In a field's bare text (also after a closing quote, where text continues as in Python's csv). */
  Bare,
  /** Inside double quotes. */
  Quoted,
  /** Just after a `"` inside quotes: a second `"` makes a literal quote, anything else closes them. */
  QuoteSeen,
  /** Just after a `\r` that ended a record: a following `\n` belongs to it. */
  AfterCr,
}

/** Splits CSV text into records, chunk by chunk. Call {@link push} per chunk, then {@link end}. */
export class CsvRecordSplitter {
  private state = State.FieldStart;
  /** Text of the current field from earlier chunks and earlier `""` segments. */
  private pending = '';
  private fieldQuoted = false;
  private fields: string[] = [];
  private quoted: boolean[] = [];
  private line = 1;
  private recordLine = 1;
  /** Characters consumed before the current chunk, and the offset where the current record began. */
  private consumed = 0;
  private recordStart = 0;
  private started = false;
  private readonly delimiter: number;

  constructor(
    private readonly file: string,
    delimiter: string,
    /** Longest field and longest record, in characters (UTF-16 code units). */
    private readonly maxChars: number,
    private readonly onRecord: (record: CsvRecord) => void,
  ) {
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** Consumes one chunk of text. */
  push(chunk: string): void {
    let p = 0;
    if (!this.started) {
      this.started = true;
      if (chunk.charCodeAt(0) === BOM) {
        p = 1;
        this.consumed -= 1;
        this.recordStart = 0;
      }
    }
    let segmentStart = p;
    const n = chunk.length;
    while (p < n) {
      const code = chunk.charCodeAt(p);
      switch (this.state) {
        case State.FieldStart:
          // A field that opens with a quote is quoted; its text starts after the quote.
          this.fieldQuoted = code === QUOTE;
          this.state = this.fieldQuoted ? State.Quoted : State.Bare;
          if (this.fieldQuoted) p += 1;
          segmentStart = p;
          break;
        case State.Bare:
          if (code === this.delimiter) {
            this.endField(chunk.slice(segmentStart, p));
            this.state = State.FieldStart;
          } else if (code === LF || code === CR) {
            this.endField(chunk.slice(segmentStart, p));
            this.endRecord(this.consumed + p);
            this.line += 1;
            this.recordLine = this.line;
            this.recordStart = this.consumed + p + 1;
            this.state = code === CR ? State.AfterCr : State.FieldStart;
          }
          p += 1;
          break;
        case State.Quoted:
          if (code === QUOTE) {
            this.pending += chunk.slice(segmentStart, p);
            this.state = State.QuoteSeen;
          } else if (code === LF) {
            this.line += 1;
          }
          p += 1;
          break;
        case State.QuoteSeen:
          // Two quotes are one literal quote; otherwise the quotes are closed and what follows
          // up to the delimiter is kept as text (Python's csv).
          if (code === QUOTE) {
            this.pending += '"';
            p += 1;
          }
          this.state = code === QUOTE ? State.Quoted : State.Bare;
          segmentStart = p;
          break;
        case State.AfterCr:
          this.state = State.FieldStart;
          if (code === LF) {
            p += 1;
            this.recordStart += 1;
          }
          break;
      }
    }
    if (this.state === State.Bare || this.state === State.Quoted)
      this.pending += chunk.slice(segmentStart, n);
    this.consumed += n;
    this.checkLengths(this.pending.length, this.consumed - this.recordStart);
  }

  /** Ends the input: the last record needs no line break; an open quote is an error. */
  end(): void {
    if (this.state === State.Quoted)
      throw new DatasetFormatError(this.file, this.recordLine, 'a quoted field is never closed (missing ").');
    if (
      this.state === State.Bare ||
      this.state === State.QuoteSeen ||
      (this.state === State.FieldStart && this.fields.length > 0)
    ) {
      this.endField('');
      this.endRecord(this.consumed);
    }
    this.state = State.FieldStart;
  }

  private endField(lastSegment: string): void {
    const field = this.pending === '' ? lastSegment : this.pending + lastSegment;
    this.checkLengths(field.length, 0);
    this.fields.push(field);
    this.quoted.push(this.fieldQuoted);
    this.pending = '';
    this.fieldQuoted = false;
  }

  private endRecord(endOffset: number): void {
    this.checkLengths(0, endOffset - this.recordStart);
    const fields = this.fields;
    const quoted = this.quoted;
    this.fields = [];
    this.quoted = [];
    // A blank line is no record (Python's csv reader yields [] and readers skip it).
    if (fields.length === 1 && fields[0] === '' && !quoted[0]) return;
    this.onRecord({ fields, quoted, line: this.recordLine });
  }

  private checkLengths(fieldChars: number, recordChars: number): void {
    if (fieldChars > this.maxChars) {
      throw new DatasetFormatError(
        this.file,
        this.recordLine,
        `field ${this.fields.length + 1} of the record starting here is longer than ${this.maxChars} characters (option maxLineChars)${this.openQuoteHint()}`,
      );
    }
    if (recordChars > this.maxChars) {
      throw new DatasetFormatError(
        this.file,
        this.recordLine,
        `the record starting here is longer than ${this.maxChars} characters (option maxLineChars)${this.openQuoteHint()}`,
      );
    }
  }

  private openQuoteHint(): string {
    return this.state === State.Quoted ? '; is a closing quote (") missing?' : '.';
  }
}
