/**
 * `@ner/hub/testing`: a local server that answers like the Hugging Face Hub, for tests in any package
 * that downloads from the Hub. Never used by the library itself.
 */
export {
  type FakeCommit,
  type FakeFailure,
  type FakeHubWriteOptions,
  type FakeUser,
  type FakeFile,
  type FakeHub,
  type FakeInterceptor,
  type FakeRepo,
  type FakeRequest,
  startFakeHub,
} from './fake-hub.js';
