/**
 * How deep a tokenizer file's JSON nests, found without parsing or recursion. tokenizer.json nests
 * a handful of levels; a file nested thousands deep loads with `JSON.parse` but overflows the
 * stack of whatever walks it later (`savePretrained` writing it back). Python's `json` refuses it
 * at load (RecursionError), and so do we. (@ner/models has the same scan for config.json: the two
 * packages share no dependency where it could live.)
 */

/** Deepest nesting of a tokenizer JSON file we read: far above any real one. */
export const MAX_TOKENIZER_JSON_DEPTH = 100;

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
