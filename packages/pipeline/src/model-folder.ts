import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PipelineModelError } from './errors.js';
import type { Id2Label } from './types.js';

/** The parts of `config.json` and `tokenizer_config.json` a pipeline relies on. */
export interface PipelineFolderInfo {
  folder: string;
  modelType: string | null;
  /** `id2label` with numeric keys; null when `config.json` has none. */
  id2label: Record<number, string> | null;
  problemType: string | null;
  maxPositionEmbeddings: number | null;
  /** `tokenizer_config.json` `model_max_length`, when present and sensible. */
  modelMaxLength: number | null;
}

/** Python's sentinel for "no limit" in `tokenizer_config.json` (`int(1e30)`). */
const VERY_LARGE = 1e29;

function readJson(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new PipelineModelError(`Cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (error) {
    throw new PipelineModelError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Whether `path` is a local model folder (as opposed to a Hub id). */
export function isLocalFolder(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/**
 * Reads what the pipeline needs from a model folder, with errors that name the
 * file and field: a missing folder or `config.json`, and `id2label` that is
 * not an object of label strings keyed by class index.
 */
export function readPipelineFolder(folder: string): PipelineFolderInfo {
  if (!existsSync(folder)) {
    throw new PipelineModelError(
      `Model folder not found: ${folder} (expected a folder with config.json and model.safetensors).`,
    );
  }
  if (!statSync(folder).isDirectory()) throw new PipelineModelError(`Model path is not a folder: ${folder}`);
  const configPath = join(folder, 'config.json');
  if (!existsSync(configPath)) {
    throw new PipelineModelError(
      `No config.json in model folder ${folder}: is this a saved model (save_pretrained)?`,
    );
  }
  const config = readJson(configPath);
  let id2label: Record<number, string> | null = null;
  if (config.id2label !== undefined) {
    const raw = config.id2label;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new PipelineModelError(
        `${configPath}: id2label must be an object like {"0": "O", "1": "B-PER"}.`,
      );
    }
    id2label = {};
    for (const [key, value] of Object.entries(raw)) {
      if (!/^\d+$/.test(key) || typeof value !== 'string') {
        throw new PipelineModelError(
          `${configPath}: id2label entry ${JSON.stringify(key)}: ${JSON.stringify(value)} must map a class index to a label string.`,
        );
      }
      id2label[Number(key)] = value;
    }
  }
  let modelMaxLength: number | null = null;
  const tokenizerConfigPath = join(folder, 'tokenizer_config.json');
  if (existsSync(tokenizerConfigPath)) {
    const value = readJson(tokenizerConfigPath).model_max_length;
    if (typeof value === 'number' && value > 0 && value < VERY_LARGE) modelMaxLength = value;
  }
  const int = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? v : null);
  return {
    folder,
    modelType: typeof config.model_type === 'string' ? config.model_type : null,
    id2label,
    problemType: typeof config.problem_type === 'string' ? config.problem_type : null,
    maxPositionEmbeddings: int(config.max_position_embeddings),
    modelMaxLength,
  };
}

/** `id2label` as given, or an error that explains why a pipeline cannot name its predictions. */
export function requireId2Label(info: PipelineFolderInfo): Id2Label {
  if (info.id2label === null || Object.keys(info.id2label).length === 0) {
    throw new PipelineModelError(
      `${join(info.folder, 'config.json')} has no id2label, so predictions cannot be named. ` +
        'Add "id2label": {"0": "O", "1": "B-PER", ...} (and label2id) to config.json.',
    );
  }
  return info.id2label;
}
