/** Reads a whole stream as UTF-8 text. */
export async function readAll(
  stream: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * One input per line (`\n` or `\r\n`); the newline after the last line does not
 * make an extra empty input, but blank lines inside the file are kept so output
 * line N always belongs to input line N.
 */
export function splitInputLines(text: string): string[] {
  const withoutBom = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lines = withoutBom.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
