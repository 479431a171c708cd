// `ner login` against the fake Hub: the token is checked, saved with mode 0600 where huggingface-cli
// saves it, read hidden from a terminal (raw mode, nothing echoed) or from standard input, and never
// printed; a refused token saves nothing and ends in a one-line error.
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeHub, startFakeHub } from '@ner/hub/testing';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LoginCommandIo, registerLoginCommand, runLoginCommand } from '../src/cli/login-command.js';
import { CLI_EXIT_CODES, runCli } from '../src/cli/run-cli.js';
import { PipelineError } from '../src/errors.js';

const TOKEN = 'hf_frank_secret_write';
let hub: FakeHub;
const dirs: string[] = [];

beforeAll(async () => {
  hub = await startFakeHub([], { users: [{ token: TOKEN, name: 'frank' }] });
});
afterAll(async () => {
  await hub.close();
});
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup(stdin: LoginCommandIo['stdin'] = [], env: Record<string, string> = {}) {
  const home = mkdtempSync(join(tmpdir(), 'ner-login-'));
  dirs.push(home);
  const out = { stdout: '', stderr: '' };
  const io: LoginCommandIo = {
    stdin,
    stdout: { write: (text: string) => (out.stdout += text) },
    stderr: { write: (text: string) => (out.stderr += text) },
    env: { HF_HOME: home, HF_ENDPOINT: hub.endpoint, ...env },
  };
  return { home, io, out, tokenFile: join(home, 'token') };
}

/** A terminal double: records raw mode, and types `keys` once the command listens. */
class FakeTerminal extends EventEmitter {
  readonly isTTY = true;
  readonly rawModes: boolean[] = [];
  constructor(private readonly keys: string[]) {
    super();
  }
  setRawMode(mode: boolean) {
    this.rawModes.push(mode);
  }
  resume() {
    setImmediate(() => {
      for (const key of this.keys) this.emit('data', Buffer.from(key));
    });
  }
  pause() {}
  *[Symbol.iterator](): Iterator<Buffer> {}
}

describe('ner login', () => {
  it('saves a --token with mode 0600 after checking it, and never prints it', async () => {
    const { io, out, tokenFile } = setup();
    const program = new Command('ner').exitOverride();
    registerLoginCommand(program, io);
    await program.parseAsync(['login', '--token', TOKEN], { from: 'user' });
    expect(readFileSync(tokenFile, 'utf8')).toBe(TOKEN);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(out.stdout).toBe(
      `Login successful: logged in as frank (token role: write).\nYour token has been saved to ${tokenFile}\n`,
    );
    expect(out.stdout + out.stderr).not.toContain(TOKEN);
  });

  it('reads the first line of standard input when it is not a terminal', async () => {
    const { io, tokenFile } = setup([Buffer.from(`${TOKEN}\nignored\n`)]);
    await runLoginCommand({}, io);
    expect(readFileSync(tokenFile, 'utf8')).toBe(TOKEN);
  });

  it('reads a terminal in raw mode with backspace, echoing nothing but the prompt', async () => {
    const terminal = new FakeTerminal([`${TOKEN.slice(0, 5)}X`, '\u007f', TOKEN.slice(5), '\r']);
    const { io, out, tokenFile } = setup(terminal as unknown as LoginCommandIo['stdin']);
    await runLoginCommand({}, io);
    expect(readFileSync(tokenFile, 'utf8')).toBe(TOKEN);
    expect(terminal.rawModes).toEqual([true, false]);
    expect(out.stderr).toBe('Enter your Hugging Face token (input is hidden): \n');
    expect(out.stdout).not.toContain(TOKEN);
  });

  it('stops on Ctrl-C with raw mode restored and nothing saved', async () => {
    const terminal = new FakeTerminal(['hf_par', '\u0003']);
    const { io, tokenFile } = setup(terminal as unknown as LoginCommandIo['stdin']);
    await expect(runLoginCommand({}, io)).rejects.toThrow(/Login cancelled/);
    expect(terminal.rawModes).toEqual([true, false]);
    expect(() => statSync(tokenFile)).toThrow();
  });

  it('turns a refused token into a one-line PipelineError and keeps the old login', async () => {
    const { io, out, tokenFile } = setup();
    writeFileSync(tokenFile, 'hf_old');
    const error = await runLoginCommand({ token: 'hf_wrong_secret' }, io).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PipelineError);
    expect((error as Error).message).toMatch(/401.*token was refused/);
    expect((error as Error).message).not.toContain('hf_wrong_secret');
    expect(readFileSync(tokenFile, 'utf8')).toBe('hf_old');
    expect(out.stdout).toBe('');
  });

  it('asks for a token when none is given, and notes an HF_TOKEN that overrides the saved one', async () => {
    await expect(runLoginCommand({}, setup([Buffer.from('\n')]).io)).rejects.toThrow(/No token given/);
    const { io, out } = setup([], { HF_TOKEN: 'hf_env' });
    await runLoginCommand({ token: TOKEN }, io);
    expect(out.stderr).toMatch(/HF_TOKEN is set/);
  });

  it('is a subcommand of the ner CLI: runCli(["login", ...]) saves the token and exits 0; a refused one exits 1', async () => {
    const { io, out, tokenFile } = setup();
    expect(await runCli(['login', '--token', TOKEN], io)).toBe(CLI_EXIT_CODES.ok);
    expect(readFileSync(tokenFile, 'utf8').trim()).toBe(TOKEN);
    expect(out.stdout + out.stderr).not.toContain(TOKEN);
    expect(await runCli(['login', '--token', 'hf_wrong'], io)).toBe(CLI_EXIT_CODES.failed);
    expect(readFileSync(tokenFile, 'utf8').trim()).toBe(TOKEN);
  });
});
