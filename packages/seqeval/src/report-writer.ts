import { alignRight, formatFixed } from './python-format.js';

/** One row of the report dict: seqeval's keys, including `f1-score`. */
export interface ReportRow {
  precision: number;
  recall: number;
  'f1-score': number;
  support: number;
}

/** The dict form: a row per entity type (sorted), then `micro avg`, `macro avg`, `weighted avg`. */
export type ClassificationReportDict = Record<string, ReportRow>;

/** Collects report rows; both seqeval reporters take the same rows. */
export interface ReportWriter<T> {
  write(name: string, precision: number, recall: number, f1: number, support: number): void;
  writeBlank(): void;
  report(): T;
}

/** seqeval's `DictReporter`. */
export class DictReportWriter implements ReportWriter<ClassificationReportDict> {
  private readonly rows: ClassificationReportDict = {};

  write(name: string, precision: number, recall: number, f1: number, support: number): void {
    this.rows[name] = { precision, recall, 'f1-score': f1, support };
  }

  writeBlank(): void {}

  report(): ClassificationReportDict {
    return this.rows;
  }
}

const HEADERS = ['precision', 'recall', 'f1-score', 'support'];

/**
 * seqeval's `StringReporter`: a header, then rows `'{:>width} ' + ' {:>9.Nf}' * 3
 * + ' {:>9}'` joined by newlines, blank lines where seqeval writes them.
 */
export class TextReportWriter implements ReportWriter<string> {
  private readonly lines: string[] = [];
  private readonly width: number;
  private readonly digits: number;

  constructor(width: number, digits: number) {
    this.width = width;
    this.digits = digits;
  }

  write(name: string, precision: number, recall: number, f1: number, support: number): void {
    const numbers = [precision, recall, f1].map((v) => ` ${alignRight(formatFixed(v, this.digits), 9)}`);
    this.lines.push(`${alignRight(name, this.width)} ${numbers.join('')} ${alignRight(String(support), 9)}`);
  }

  writeBlank(): void {
    this.lines.push('');
  }

  report(): string {
    const header = `${alignRight('', this.width)} ${HEADERS.map((h) => ` ${alignRight(h, 9)}`).join('')}`;
    return `${header}\n\n${this.lines.join('\n')}`;
  }
}
