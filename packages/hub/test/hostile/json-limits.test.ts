import { expect, it } from 'vitest';
import { HubResponseTooLargeError, RepositoryNotFoundError, listRepoFiles } from '../../src/index.js';
import { MAX_JSON_BYTES } from '../../src/list-files.js';
import { streamEndlessly, useFakeHub } from './helpers.js';

const MiB = 1024 * 1024;

const fake = useFakeHub([{ repoId: 'org/data', revisions: { main: { 'a.txt': 'a' } } }]);

const { read } = fake;

it('a revision API answer without Content-Length is cut at 64 MiB while it streams, with a typed error', {
  timeout: 30_000,
}, async () => {
  let sentBytes = () => 0;
  fake.hub.setInterceptor((request, response) => {
    if (!request.url?.startsWith('/api/models/org/data/revision/')) return false;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{"sha": "');
    // Up to 256 MiB of a never-ending string; reading it whole first is what must not happen.
    sentBytes = streamEndlessly(request, response, Buffer.alloc(MiB, 'a'), 256 * MiB);
    return true;
  });
  const error = await listRepoFiles('org/data', read()).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(HubResponseTooLargeError);
  expect((error as HubResponseTooLargeError).limitBytes).toBe(64 * MiB);
  expect(MAX_JSON_BYTES).toBe(64 * MiB);
  expect((error as Error).message).toContain('/api/models/org/data/revision/main');
  // The client stopped soon after the limit: what the server got rid of is the limit plus socket buffers.
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(sentBytes()).toBeGreaterThan(64 * MiB);
  expect(sentBytes()).toBeLessThan(96 * MiB);
});

it('a revision API answer announcing more than 64 MiB is refused before its body is read, with a typed error', async () => {
  let sentBytes = () => 0;
  fake.hub.setInterceptor((request, response) => {
    if (!request.url?.startsWith('/api/models/org/data/revision/')) return false;
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(1024 * MiB) });
    sentBytes = streamEndlessly(request, response, Buffer.alloc(MiB, ' '), 1024 * MiB);
    return true;
  });
  const error = await listRepoFiles('org/data', read()).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(HubResponseTooLargeError);
  expect((error as Error).message).toMatch(/announced 1073741824 bytes \(Content-Length\); at most 67108864/);
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(sentBytes()).toBeLessThan(32 * MiB);
});

it('an endless error body is read only for its first KiB, not whole', async () => {
  let sentBytes = () => 0;
  fake.hub.setInterceptor((request, response) => {
    if (!request.url?.startsWith('/api/models/org/data/revision/')) return false;
    response.writeHead(404, { 'content-type': 'text/plain', 'x-error-code': 'RepoNotFound' });
    sentBytes = streamEndlessly(request, response, Buffer.alloc(MiB, 'x'), 256 * MiB);
    return true;
  });
  const error = await listRepoFiles('org/data', read()).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RepositoryNotFoundError);
  expect((error as Error).message).toContain(`Hub says: ${'x'.repeat(1024)}`);
  expect((error as Error).message).not.toContain('x'.repeat(1025));
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(sentBytes()).toBeLessThan(32 * MiB);
});
