import { defineProject } from 'vitest/config';

// Only to drop tfjs-backend-cpu's "install tfjs-node" banner from the test output (the tests set
// the cpu backend themselves); everything else is vitest's default, as for the other examples.
export default defineProject({
  test: {
    name: '@ner-examples/wnut17-distilbert',
    setupFiles: ['../../tools/test-support/quiet-tfjs-banner.js'],
  },
});
