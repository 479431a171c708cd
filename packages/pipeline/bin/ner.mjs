#!/usr/bin/env node
// Committed shim: package managers link a bin at install time, before `dist/` is built in a
// fresh workspace clone; a bin pointing straight into dist/ would be skipped ("not found").
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write(
    'ner: @ner/pipeline is not built (dist/cli.js is missing): run `pnpm build` in the repository first.\n',
  );
  process.exit(1);
}
// `pnpm ner ...` at the repository root runs this from the root; paths the user typed are
// relative to where they typed them (pnpm passes that folder as INIT_CWD).
if (process.env.npm_lifecycle_event === 'ner' && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);
await import(cli.href);
