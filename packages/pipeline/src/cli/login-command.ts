/**
 * `ner login`: saves a Hugging Face access token where `huggingface-cli login` saves it
 * (`$HF_TOKEN_PATH`, else `$HF_HOME/token`), after checking it with the Hub's whoami, so one login serves
 * Python and Node. The token comes from `--token`, else from a hidden prompt on a terminal, else from the
 * first line of standard input (`echo $TOKEN | ner login`). It is never echoed or printed.
 */
import { HubError, login, tokenPath } from '@ner/hub';
import type { Command } from 'commander';
import { PipelineError } from '../errors.js';
import { readAll } from './read-input.js';

/** Standard input as the login command reads it: a terminal it can switch to raw mode, or any stream. */
export interface LoginInput {
  readonly isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  on?(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  off?(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  resume?(): unknown;
  pause?(): unknown;
}

/** Where the login command reads and writes (`process` in real use, buffers in tests). */
export interface LoginCommandIo {
  readonly stdin: (AsyncIterable<Buffer | string> | Iterable<Buffer | string>) & LoginInput;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Options of `ner login`. */
export interface LoginCommandOptions {
  /** The token itself (visible in the shell history: prefer the prompt or standard input). */
  readonly token?: string;
  /** Hub URL (default `$HF_ENDPOINT`, else https://huggingface.co). */
  readonly endpoint?: string;
}

/** A login that did not happen; the CLI prints its message without a stack trace. */
class LoginCommandError extends PipelineError {}

const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const BACKSPACES = new Set(['\u007f', '\b']);

/** Reads one line from a terminal in raw mode, so nothing typed is echoed. */
function readHidden(stdin: LoginInput, prompt: string, stderr: LoginCommandIo['stderr']): Promise<string> {
  stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error?: Error) => {
      stdin.off?.('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause?.();
      stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer | string) => {
      for (const char of chunk.toString()) {
        if (char === CTRL_C) return finish(new LoginCommandError('Login cancelled.'));
        if (char === '\r' || char === '\n' || char === CTRL_D) return finish();
        if (BACKSPACES.has(char)) typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    stdin.setRawMode?.(true);
    stdin.on?.('data', onData);
    stdin.resume?.();
  });
}

async function readToken(options: LoginCommandOptions, io: LoginCommandIo): Promise<string> {
  if (options.token !== undefined) return options.token;
  if (io.stdin.isTTY && io.stdin.setRawMode && io.stdin.on) {
    return readHidden(io.stdin, 'Enter your Hugging Face token (input is hidden): ', io.stderr);
  }
  const text = await readAll(io.stdin);
  return text.split(/\r?\n/)[0] ?? '';
}

/**
 * Runs `ner login`: reads the token, checks it with the Hub, saves it with mode 0600, and says who it
 * belongs to and where it went. Hub failures (refused token, unreachable Hub) become a one-line error.
 */
export async function runLoginCommand(options: LoginCommandOptions, io: LoginCommandIo): Promise<void> {
  const token = (await readToken(options, io)).trim();
  if (token === '') {
    throw new LoginCommandError(
      'No token given. Create one at https://huggingface.co/settings/tokens, then run `ner login` in a ' +
        'terminal, or pass it with --token or on standard input.',
    );
  }
  const path = tokenPath(io.env);
  const endpoint = options.endpoint ?? io.env.HF_ENDPOINT;
  try {
    const user = await login(token, { tokenPath: path, ...(endpoint ? { endpoint } : {}) });
    const role = user.auth?.accessToken?.role;
    io.stdout.write(`Login successful: logged in as ${user.name}${role ? ` (token role: ${role})` : ''}.\n`);
    io.stdout.write(`Your token has been saved to ${path}\n`);
    if (io.env.HF_TOKEN) {
      io.stderr.write('Note: HF_TOKEN is set and is used instead of the saved token until you unset it.\n');
    }
  } catch (error) {
    if (error instanceof HubError) throw new LoginCommandError(error.message, { cause: error });
    throw error;
  }
}

/**
 * Adds `login` to the `ner` program. Register it in the CLI dispatcher with
 * `registerLoginCommand(program, io);`.
 */
export function registerLoginCommand(program: Command, io: LoginCommandIo): Command {
  return program
    .command('login')
    .description(
      'Save a Hugging Face access token (shared with huggingface-cli login). Reads it hidden from the terminal, ' +
        'or from standard input.',
    )
    .option('--token <token>', 'the token (visible in shell history; prefer the prompt or standard input)')
    .option('--endpoint <url>', 'Hub URL (default $HF_ENDPOINT or https://huggingface.co)')
    .action(async (options: LoginCommandOptions) => {
      await runLoginCommand(options, io);
    });
}
