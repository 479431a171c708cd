/**
 * How deep a JSON text nests, found without parsing or recursion. A config.json nests three levels
 * at most; one nested thousands deep loads with `JSON.parse` but overflows the stack of whatever
 * walks it later (saving it again, at a checkpoint after hours of training). Python's `json`
 * refuses such a file at load with a RecursionError, so we refuse it there too.
 */

/** Deepest nesting of a config.json we read: far above any real one, far below the stack's limit. */
export const MAX_CONFIG_JSON_DEPTH = 100;

/** The deepest nesting of objects and arrays in `text` (brackets inside strings do not count). */
export function jsonNestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === 0x5c /* \ */) i++;
        else if (s === 0x22) break;
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth += 1;
      if (depth > deepest) deepest = depth;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth -= 1;
    }
  }
  return deepest;
}
