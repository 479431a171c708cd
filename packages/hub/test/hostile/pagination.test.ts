import { afterAll, beforeAll, expect, it } from 'vitest';
import { HubResponseError, listRepoTree } from '../../src/index.js';
import { type RecordingServer, startRecordingServer, useFakeHub } from './helpers.js';

const fake = useFakeHub([
  { repoId: 'org/private', token: 'hf_secret', revisions: { main: { 'a.txt': 'a', 'b.txt': 'b' } } },
]);
let stranger: RecordingServer;
beforeAll(async () => {
  stranger = await startRecordingServer();
});
afterAll(async () => {
  await stranger.close();
});

it('listRepoTree refuses a Link rel="next" to another origin and never sends that origin the token', async () => {
  const nextUrl = `${stranger.origin}/api/models/org/private/tree/main?cursor=1`;
  fake.hub.setInterceptor((request, response) => {
    if (!request.url?.startsWith('/api/models/org/private/tree/')) return false;
    response
      .writeHead(200, { 'content-type': 'application/json', link: `<${nextUrl}>; rel="next"` })
      .end(JSON.stringify([{ type: 'file', path: 'a.txt' }]));
    return true;
  });
  const error = await listRepoTree('org/private', '', fake.read(undefined, { token: 'hf_secret' })).catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HubResponseError);
  expect((error as Error).message).toContain(nextUrl);
  expect((error as HubResponseError).url).toBe(`${fake.hub.endpoint}/api/models/org/private/tree/main`);
  expect(stranger.requests).toEqual([]);
  // The Hub itself did get the token (the page was read), so the refusal is about the origin only.
  expect(fake.hub.requests.at(-1)?.authorization).toBe('Bearer hf_secret');
});
