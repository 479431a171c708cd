/**
 * Reads the environment the way Python's `huggingface_hub.constants` does, so both languages find the
 * same cache, endpoint and token. Read on every call (not at import) so tests and long-running
 * processes can change the environment.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The public Hub; `HF_ENDPOINT` overrides it. */
export const DEFAULT_ENDPOINT = 'https://huggingface.co';

/**
 * Environment variables as these functions read them: `process.env` fits. A plain record rather than
 * Node's `ProcessEnv` type, so the published types need no `@types/node` in a consumer.
 */
export type EnvironmentVariables = Readonly<Record<string, string | undefined>>;

/** Python's `ENV_VARS_TRUE_VALUES`. */
const TRUE_VALUES = new Set(['1', 'ON', 'YES', 'TRUE']);

function envValue(name: string, env: EnvironmentVariables): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** True when an environment flag holds one of Python's true values (`1`, `ON`, `YES`, `TRUE`, any case). */
export function isTruthyEnv(value: string | undefined): boolean {
  return value !== undefined && TRUE_VALUES.has(value.trim().toUpperCase());
}

/** `$HF_HOME`, else `$XDG_CACHE_HOME/huggingface`, else `~/.cache/huggingface`. */
export function hfHome(env: EnvironmentVariables = process.env): string {
  const explicit = envValue('HF_HOME', env);
  if (explicit) return explicit;
  const xdg = envValue('XDG_CACHE_HOME', env) ?? join(homedir(), '.cache');
  return join(xdg, 'huggingface');
}

/** The hub cache: `$HF_HUB_CACHE`, else the legacy `$HUGGINGFACE_HUB_CACHE`, else `$HF_HOME/hub`. */
export function defaultCacheDir(env: EnvironmentVariables = process.env): string {
  return envValue('HF_HUB_CACHE', env) ?? envValue('HUGGINGFACE_HUB_CACHE', env) ?? join(hfHome(env), 'hub');
}

/** `$HF_ENDPOINT` without a trailing slash, else the public Hub. */
export function defaultEndpoint(env: EnvironmentVariables = process.env): string {
  return (envValue('HF_ENDPOINT', env) ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
}

/** `HF_HUB_OFFLINE` (or the older `TRANSFORMERS_OFFLINE`) is set to a true value. */
export function isOfflineMode(env: EnvironmentVariables = process.env): boolean {
  return isTruthyEnv(envValue('HF_HUB_OFFLINE', env)) || isTruthyEnv(envValue('TRANSFORMERS_OFFLINE', env));
}

/** `HF_HUB_DISABLE_PROGRESS_BARS` is set to a true value. */
export function progressBarsDisabled(env: EnvironmentVariables = process.env): boolean {
  return isTruthyEnv(envValue('HF_HUB_DISABLE_PROGRESS_BARS', env));
}

/**
 * The token: `$HF_TOKEN`, else the legacy `$HUGGING_FACE_HUB_TOKEN`, else the file written by
 * `huggingface-cli login` (`$HF_TOKEN_PATH`, default `$HF_HOME/token`). Undefined when none.
 */
export function defaultToken(env: EnvironmentVariables = process.env): string | undefined {
  const fromEnv = envValue('HF_TOKEN', env) ?? envValue('HUGGING_FACE_HUB_TOKEN', env);
  if (fromEnv) return fromEnv.trim();
  const tokenPath = envValue('HF_TOKEN_PATH', env) ?? join(hfHome(env), 'token');
  if (!existsSync(tokenPath)) return undefined;
  const text = readFileSync(tokenPath, 'utf8').trim();
  return text === '' ? undefined : text;
}

/** Default stall timeout of a download body when neither the option nor the environment sets one. */
export const DEFAULT_STALL_TIMEOUT_MS = 60_000;

/**
 * How long a download body may deliver no byte before it is aborted and resumed: `$HF_HUB_DOWNLOAD_TIMEOUT`
 * (seconds, Python's read timeout for downloads) when it holds a positive number, else 60 s.
 */
export function defaultStallTimeoutMs(env: EnvironmentVariables = process.env): number {
  const seconds = Number(envValue('HF_HUB_DOWNLOAD_TIMEOUT', env));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : DEFAULT_STALL_TIMEOUT_MS;
}
