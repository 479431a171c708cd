// A Hub failure other than "no such file" reaches the caller; only a missing file counts as missing.
import '@tensorflow/tfjs-backend-cpu';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubAuthError } from '@ner/hub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BertConfig, BertForTokenClassification } from '../../src/index.js';

const COMMIT = 'a'.repeat(40);
let cacheDir: string;
let server: Server;
let endpoint: string;
const requested: string[] = [];

beforeAll(async () => {
  cacheDir = mkdtempSync(join(tmpdir(), 'models-hub-errors-'));
  // config.json is in the cache at a commit, so only model.safetensors needs the (refusing) Hub.
  const snapshot = join(cacheDir, 'models--org--tiny', 'snapshots', COMMIT);
  mkdirSync(snapshot, { recursive: true });
  const config = new BertConfig({
    vocabSize: 20,
    hiddenSize: 8,
    numHiddenLayers: 1,
    numAttentionHeads: 2,
    intermediateSize: 8,
  });
  writeFileSync(join(snapshot, 'config.json'), config.toJSONString());
  server = createServer((request, response) => {
    requested.push(`${request.method} ${request.url}`);
    response.writeHead(403, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: 'forbidden' }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((done) => server.close(() => done()));
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('Hub errors while loading weights', () => {
  it('a 403 for model.safetensors is thrown as HubAuthError, not reported as a missing file', async () => {
    const loading = BertForTokenClassification.fromPretrained('org/tiny', {
      cacheDir,
      endpoint,
      revision: COMMIT,
      token: false,
      retry: { attempts: 1 },
    });
    await expect(loading).rejects.toBeInstanceOf(HubAuthError);
    await expect(loading).rejects.toThrow(/model\.safetensors.*forbidden \(403/);
    expect(
      requested.some((line) => line.includes('/org/tiny/resolve/') && line.includes('model.safetensors')),
    ).toBe(true);
  });
});
