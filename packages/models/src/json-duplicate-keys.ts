/**
 * Finds a key that appears twice in one JSON object. `JSON.parse` silently
 * keeps the last of two equal keys, so a safetensors header naming a tensor
 * twice would load whichever entry came last; the reference (Rust) parser
 * rejects such headers, and so do we.
 */

/** A repeated key: the keys of the objects enclosing it (outermost first) and the key itself. */
export interface DuplicateKey {
  readonly path: readonly string[];
  readonly key: string;
}

interface Frame {
  /** Keys seen so far; `null` for arrays. */
  readonly keys: Set<string> | null;
  /** The key under which this container sits in its parent (for the path). */
  readonly name: string | null;
  /** In an object: the next string is a key (after `{` or `,`), not a value. */
  expectKey: boolean;
}

/**
 * Scans JSON text that `JSON.parse` has already accepted and returns the first
 * duplicate key of any object, or `null`. One pass, no recursion (so deep
 * nesting cannot overflow the stack); keys are compared after unescaping, so
 * `"a"` and `"\u0061"` are the same key, as they are to a JSON parser.
 */
export function findDuplicateKey(text: string): DuplicateKey | null {
  const stack: Frame[] = [];
  let lastKey: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === 0x22 /* " */) {
      const start = i;
      for (i++; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 0x5c /* \ */) i++;
        else if (c === 0x22) break;
      }
      const top = stack[stack.length - 1];
      if (top?.keys && top.expectKey) {
        const raw = text.slice(start, i + 1);
        const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (top.keys.has(key)) {
          const path = stack.map((frame) => frame.name).filter((name): name is string => name !== null);
          return { path, key };
        }
        top.keys.add(key);
        top.expectKey = false;
        lastKey = key;
      }
    } else if (char === 0x7b /* { */ || char === 0x5b /* [ */) {
      const parent = stack[stack.length - 1];
      const name = parent?.keys ? lastKey : null;
      stack.push({ keys: char === 0x7b ? new Set() : null, name, expectKey: char === 0x7b });
    } else if (char === 0x7d /* } */ || char === 0x5d /* ] */) {
      stack.pop();
    } else if (char === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.keys) top.expectKey = true;
    }
  }
  return null;
}
