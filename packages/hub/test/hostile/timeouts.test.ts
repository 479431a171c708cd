import { afterEach, expect, it } from 'vitest';
import { HubTimeoutError, LocalEntryNotFoundError, listRepoTree, resolveFile } from '../../src/index.js';
import { repoWithWeights, useFakeHub, WEIGHTS } from './helpers.js';

const fake = useFakeHub([repoWithWeights('org/m', { 'config.json': '{}' })]);
afterEach(() => {
  fake.hub.failNext('model.safetensors', 0);
});

const options = <const T extends object>(extra: T) => fake.read(undefined, extra);

it('a download body that stalls is aborted after stallTimeoutMs and resumed with a Range request', async () => {
  fake.hub.failNext('model.safetensors', 1, 'stall');
  const started = Date.now();
  const ranges = await fake.downloadRanges('org/m', 'model.safetensors', WEIGHTS, { stallTimeoutMs: 200 });
  const elapsed = Date.now() - started;
  expect(ranges).toEqual([undefined, `bytes=${WEIGHTS.length / 2}-`]);
  expect(elapsed).toBeGreaterThanOrEqual(200);
  expect(elapsed).toBeLessThan(3000);
});

it('a download that stalls on every attempt ends in HubTimeoutError naming the stall timeout', async () => {
  fake.hub.failNext('model.safetensors', 10, 'stall');
  const error = await resolveFile('org/m', 'model.safetensors', options({ stallTimeoutMs: 150 })).catch(
    (e: unknown) => e,
  );
  expect((error as Error).message).toMatch(/after 3 attempt\(s\).*no data for 150 ms/);
  expect((error as Error & { cause?: unknown }).cause).toBeInstanceOf(HubTimeoutError);
});

it('timeoutMs bounds a metadata HEAD that never answers; with nothing cached the error says so', async () => {
  fake.hub.setInterceptor((request) => request.url?.includes('/resolve/') === true); // swallowed: no answer
  const started = Date.now();
  const error = await resolveFile('org/m', 'config.json', options({ timeoutMs: 200 })).catch(
    (e: unknown) => e,
  );
  expect(Date.now() - started).toBeLessThan(3000);
  expect(error).toBeInstanceOf(LocalEntryNotFoundError);
  const cause = (error as Error & { cause?: unknown }).cause;
  expect(cause).toBeInstanceOf(HubTimeoutError);
  expect((cause as HubTimeoutError).timeoutMs).toBe(200);
  expect((cause as Error).message).toMatch(/did not answer within 200 ms.*3 attempt/);
});

it('timeoutMs also bounds a JSON answer whose body stops after the headers', async () => {
  fake.hub.setInterceptor((request, response) => {
    if (!request.url?.startsWith('/api/models/org/m/tree/')) return false;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('[{"type": "file", ');
    return true; // never finished
  });
  const started = Date.now();
  const error = await listRepoTree('org/m', '', options({ timeoutMs: 200 })).catch((e: unknown) => e);
  expect(Date.now() - started).toBeLessThan(3000);
  expect(error).toBeInstanceOf(HubTimeoutError);
  expect((error as Error).message).toMatch(/tree\/main did not finish its answer within 200 ms/);
});
