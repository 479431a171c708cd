import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PipelineModelError } from './errors.js';
import { decodeWordPiece } from './wordpiece-decoder.js';
import type { TokenizerTraits } from './tokenizer-traits.js';

/** What the pipeline reads from `tokenizer.json` / `tokenizer_config.json` itself. */
export interface TokenizerFileInfo {
  traits: TokenizerTraits;
  pad: { id: number; token: string };
  /** `tokenizer_config.json` `model_max_length` when present and below Python's "no limit" sentinel. */
  modelMaxLength: number | null;
}

function readJsonObject(path: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new PipelineModelError(`Cannot read ${path}: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new PipelineModelError(`${path}: expected a JSON object.`);
  }
  return value as Record<string, unknown>;
}

function tokenName(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') {
    return (value as { content: string }).content;
  }
  return null;
}

/**
 * Reads the sub-word prefix, `[UNK]` id, decoder settings and pad token from a
 * tokenizer folder, with `tokenToId` resolving token strings to ids.
 * `fallbackDecode` handles decoders other than WordPiece.
 */
export function readTokenizerFiles(
  folder: string,
  tokenToId: (token: string) => number | null,
  fallbackDecode: (tokens: readonly string[]) => string,
): TokenizerFileInfo {
  const tokenizerPath = join(folder, 'tokenizer.json');
  const json = readJsonObject(tokenizerPath);
  const model = (json.model ?? {}) as Record<string, unknown>;
  const decoder = (json.decoder ?? null) as Record<string, unknown> | null;
  const configPath = join(folder, 'tokenizer_config.json');
  const config = existsSync(configPath) ? readJsonObject(configPath) : {};

  const prefix = typeof model.continuing_subword_prefix === 'string' ? model.continuing_subword_prefix : null;
  const unkToken = tokenName(model.unk_token) ?? tokenName(config.unk_token);
  const unkTokenId = unkToken === null ? null : tokenToId(unkToken);

  let convertTokensToString = fallbackDecode;
  if (decoder && decoder.type === 'WordPiece') {
    const options = {
      prefix: typeof decoder.prefix === 'string' ? decoder.prefix : '##',
      cleanup: decoder.cleanup !== false,
    };
    convertTokensToString = (tokens) => decodeWordPiece(tokens, options);
  }

  const padToken = tokenName(config.pad_token) ?? '[PAD]';
  const padId = tokenToId(padToken);
  if (padId === null) {
    throw new PipelineModelError(
      `${folder}: pad token ${JSON.stringify(padToken)} is not in the vocabulary.`,
    );
  }
  const maxLength = config.model_max_length;
  return {
    traits: { continuingSubwordPrefix: prefix, unkTokenId, convertTokensToString, isFast: true },
    pad: { id: padId, token: padToken },
    modelMaxLength: typeof maxLength === 'number' && maxLength > 0 && maxLength < 1e29 ? maxLength : null,
  };
}
