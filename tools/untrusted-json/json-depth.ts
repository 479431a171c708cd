/**
 * How deep a JSON text nests, found without parsing or recursion: `JSON.parse` reads a value
 * nested thousands deep, but whatever walks it later recursively (saving a config or a tokenizer
 * file again) overflows the stack, and Python's `json` refuses such a file at load with a
 * RecursionError. @ner/models (config.json) and @ner/align (tokenizer files) check their files
 * with it (see index.ts).
 */

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
