import type { HubOptions } from '@ner/hub';
import { tokenizerJsonOf } from './pretrained-files.js';
import { Tokenizer } from './tokenizer.js';

/**
 * Loads a tokenizer from a folder or a Hub id.
 * @deprecated Use {@link Tokenizer.fromPretrained} (the same loader, Python's name).
 */
export function loadTokenizer(pathOrHubId: string, options: HubOptions = {}): Promise<Tokenizer> {
  return Tokenizer.fromPretrained(pathOrHubId, options);
}

/**
 * Writes the tokenizer's files into `dir`.
 * @deprecated Use `tokenizer.savePretrained(dir)` (the same files, Python's name).
 */
export function saveTokenizer(tokenizer: Tokenizer, dir: string): Promise<void> {
  return tokenizer.savePretrained(dir);
}

/** The tokenizer.json a Rust / Python fast tokenizer reads for this tokenizer. */
export function toTokenizerJson(tokenizer: Tokenizer): Record<string, unknown> {
  return tokenizerJsonOf(tokenizer.config);
}
