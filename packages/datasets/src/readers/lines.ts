/**
 * Line iteration for the text readers: `\n` or `\r\n` endings, 1-based line numbers, a bound on line
 * length, and a UTF-8 BOM dropped from the first line.
 */
import { DatasetFormatError } from '../errors.js';
import { DEFAULT_LIMITS, type ReadLimits } from '../limits.js';

/** Calls `fn(line, lineNumber)` for every line of `text` (a last line without `\n` included). */
export function forEachLine(
  text: string,
  file: string,
  limits: ReadLimits,
  fn: (line: string, lineNumber: number) => void,
): void {
  const maxLine = limits.maxLineChars ?? DEFAULT_LIMITS.maxLineChars;
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let lineNumber = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    lineNumber += 1;
    const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    if (stop - start > maxLine) {
      throw new DatasetFormatError(
        file,
        lineNumber,
        `line is ${stop - start} characters; the limit is ${maxLine} (option maxLineChars).`,
      );
    }
    fn(text.slice(start, stop), lineNumber);
    start = end + 1;
  }
}
