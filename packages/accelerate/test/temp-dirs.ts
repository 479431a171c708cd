// Temporary folders for tests, removed after each test (`afterEach(removeTempDirs)`): the shared helpers.
export { makeTempDir, removeTempDirs } from '@ner/test-support';
