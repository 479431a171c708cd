/**
 * Reads the small JSON files of a checkpoint (config.json,
 * model.safetensors.index.json) with a size cap, so a huge or endless file
 * (a multi-gigabyte config, a link to /dev/zero) is refused before it is
 * held in memory.
 */
import { open } from 'node:fs/promises';

/**
 * Largest config.json or index file we read: 100 MB, like the safetensors
 * header cap. A config with a million labels (id2label and label2id) is
 * about 60 MB.
 */
export const MAX_JSON_FILE_BYTES = 100_000_000;

const CHUNK_BYTES = 1 << 20;

/**
 * The UTF-8 text of `path`, refusing files over `maxBytes` by their size on
 * disk and again while reading (for files whose size the OS does not know).
 * @param tooLarge builds the package's typed error from the size seen
 */
export async function readBoundedText(
  path: string,
  tooLarge: (bytes: string) => Error,
  maxBytes = MAX_JSON_FILE_BYTES,
): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) throw tooLarge(`${size} bytes`);
    // One read for an ordinary small file; 1 MiB steps where the size is unknown or large.
    const chunkBytes = Math.min(CHUNK_BYTES, Math.max(size + 1, 65_536));
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(chunkBytes);
      const { bytesRead } = await handle.read(chunk, 0, chunkBytes, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) throw tooLarge(`more than ${maxBytes} bytes`);
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    await handle.close();
  }
}
