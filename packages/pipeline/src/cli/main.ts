#!/usr/bin/env node
import { runCli } from './run-cli.js';

// Entry point of the `ner` bin; all logic lives in runCli so tests can call it in-process.
runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
}).then((code) => {
  process.exitCode = code;
});
