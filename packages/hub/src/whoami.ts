/**
 * `whoami` (who a token belongs to) and `login` / `logout`, which share the token file with Python's
 * `huggingface-cli login`, so a user logs in once for both languages.
 */
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { hfHome } from './env.js';
import { HubResponseError, HubValidationError } from './errors.js';
import {
  type HubWriteOptions,
  readJsonObject,
  resolveWriteOptions,
  sendWriteRequest,
} from './write-request.js';
import { checkOptionNames } from './option-names.js';

/** The account a token belongs to, as `GET /api/whoami-v2` describes it (Python's `HfApi.whoami`). */
export interface WhoAmI {
  /** `'user'` for a person (organizations cannot hold tokens). */
  readonly type: string;
  /** The user name: the namespace of the user's own repos. */
  readonly name: string;
  readonly fullname?: string;
  readonly email?: string;
  /** Organizations the user belongs to (their names are namespaces the user may write to). */
  readonly orgs: readonly { readonly name: string }[];
  /** The token itself: its display name and role (`'read'`, `'write'`, `'fineGrained'`). */
  readonly auth?: { readonly accessToken?: { readonly displayName?: string; readonly role?: string } };
}

/**
 * Who the token belongs to. Throws `HubAuthError` when the token is missing or refused (401).
 *
 * @example
 * ```ts
 * const me = await whoami({ token: process.env.HF_TOKEN });
 * console.log(me.name, me.orgs.map((org) => org.name));
 * ```
 */
export async function whoami(options: HubWriteOptions = {}): Promise<WhoAmI> {
  checkOptionNames(options, 'whoami');
  const resolved = resolveWriteOptions(options, 'find out who the token belongs to');
  const url = `${resolved.endpoint}/api/whoami-v2`;
  const response = await sendWriteRequest(
    { url, method: 'GET', retryOn: 'idempotent' },
    { action: 'check the token with whoami' },
    resolved,
  );
  const body = await readJsonObject(response, url);
  if (typeof body.name !== 'string' || body.name === '') {
    throw new HubResponseError(`${url} answered without a user name.`, url);
  }
  const orgs = Array.isArray(body.orgs)
    ? body.orgs
        .filter((org): org is { name: string } => typeof (org as { name?: unknown })?.name === 'string')
        .map((org) => ({ name: org.name }))
    : [];
  return { ...(body as object), type: String(body.type ?? 'user'), name: body.name, orgs } as WhoAmI;
}

/** Where the token file is: `$HF_TOKEN_PATH`, else `$HF_HOME/token` (Python's `constants.HF_TOKEN_PATH`). */
export function tokenPath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const explicit = env.HF_TOKEN_PATH;
  if (explicit !== undefined && explicit !== '') return explicit;
  return join(hfHome({ ...env }), 'token');
}

/** Options of {@link login}. */
export interface LoginOptions extends Omit<HubWriteOptions, 'token'> {
  /** Where to write the token (default {@link tokenPath}). */
  readonly tokenPath?: string;
}

/**
 * Checks `token` with {@link whoami} and, when the Hub accepts it, saves it to the token file (mode 0600,
 * written to a temporary name and renamed) that `huggingface-cli login` uses, so Python and Node share the
 * login. The token is never logged; a refused token writes nothing (`HubAuthError`).
 */
export async function login(token: string, options: LoginOptions = {}): Promise<WhoAmI> {
  checkOptionNames(options, 'login');
  const trimmed = token.trim();
  if (trimmed === '' || /\s/.test(trimmed)) {
    throw new HubValidationError(
      'The token is empty or contains spaces; copy it from https://huggingface.co/settings/tokens.',
    );
  }
  const { tokenPath: _tokenPath, ...request } = options;
  const user = await whoami({ ...request, token: trimmed });
  const path = options.tokenPath ?? tokenPath();
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    // Mode at creation: the token is never readable by others, not even for a moment.
    await writeFile(temporary, trimmed, { mode: 0o600, flag: 'wx' });
    await chmod(temporary, 0o600);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return user;
}

/** Deletes the saved token file (Python's `huggingface-cli logout`); true when there was one. */
export async function logout(options: { readonly tokenPath?: string } = {}): Promise<boolean> {
  checkOptionNames(options, 'logout');
  const path = options.tokenPath ?? tokenPath();
  try {
    await rm(path);
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return false;
    throw error;
  }
}
