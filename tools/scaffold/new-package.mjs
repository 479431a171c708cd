#!/usr/bin/env node
// Creates the skeleton of a publishable @ner/* package with the layout every
// package shares (dual ESM/CJS exports with types first, files with the LICENSE,
// sideEffects, engines, the shared tsup build, its own vitest config for colocated
// tests and test/, and a changeset). Run from the repo root:
//   node tools/scaffold/new-package.mjs NAME "description"
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [name, description = ''] = process.argv.slice(2);
if (!name || !/^[a-z][a-z0-9-]*$/.test(name)) {
  console.error('usage: new-package.mjs NAME "description" (NAME: lower-case letters, digits, dashes)');
  process.exit(2);
}
const dir = join('packages', name);
if (existsSync(dir)) {
  console.error(`${dir} already exists`);
  process.exit(1);
}
if (!existsSync('LICENSE') || !existsSync('.changeset')) {
  console.error('run from the repository root (LICENSE and .changeset/ not found here)');
  process.exit(2);
}
mkdirSync(join(dir, 'src'), { recursive: true });
mkdirSync(join(dir, 'test'), { recursive: true });
const pkg = {
  name: `@ner/${name}`,
  version: '0.0.0',
  description,
  license: 'Apache-2.0',
  type: 'module',
  sideEffects: false,
  main: './dist/index.cjs',
  module: './dist/index.js',
  types: './dist/index.d.ts',
  exports: {
    '.': {
      import: { types: './dist/index.d.ts', default: './dist/index.js' },
      require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
    },
    './package.json': './package.json',
  },
  files: ['dist', 'README.md', 'CHANGELOG.md', 'LICENSE'],
  engines: { node: '>=20' },
  scripts: {
    build: 'tsup',
    test: 'vitest run',
    typecheck: 'tsc --noEmit',
    lint: 'biome check src test',
    publint: 'publint --strict --pack npm && attw --pack . --profile node16',
  },
  publishConfig: { access: 'public' },
};
const write = (file, text) => writeFileSync(join(dir, file), text);
write('package.json', `${JSON.stringify(pkg, null, 2)}\n`);
write(
  'tsconfig.json',
  `${JSON.stringify({ extends: '../../tsconfig.base.json', include: ['src', 'test', '*.config.ts'] }, null, 2)}\n`,
);
write(
  'tsup.config.ts',
  `import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tools/tsup/library.js';

export default defineConfig(libraryBuild(['src/index.ts']));
`,
);
write(
  'vitest.config.ts',
  `import { defineConfig } from 'vitest/config';

// Own config so \`vitest run\` in this folder does not pick up the repo-level
// projects list (which is resolved relative to the working directory).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
`,
);
write('src/index.ts', `export {};\n`);
write('CHANGELOG.md', `# @ner/${name}\n`);
write('README.md', `# @ner/${name}\n\n${description}\n`);
copyFileSync('LICENSE', join(dir, 'LICENSE'));
writeFileSync(
  join('.changeset', `${name}-initial.md`),
  `---\n'@ner/${name}': minor\n---\n\nNew package: ${description}\n`,
);
console.log(
  `created ${dir} and .changeset/${name}-initial.md; next: exports in src/index.ts, tests in src/*.test.ts or test/, a runnable README example, then npx -y pnpm@10.34.8 install`,
);
