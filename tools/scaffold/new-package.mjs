#!/usr/bin/env node
// Creates the skeleton of a publishable @ner/* package with the layout every
// package shares (dual ESM/CJS exports with types first, files, sideEffects,
// engines, colocated tests). Usage: node tools/scaffold/new-package.mjs NAME "description"
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
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
mkdirSync(join(dir, 'src'), { recursive: true });
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
  files: ['dist', 'README.md', 'CHANGELOG.md'],
  engines: { node: '>=20' },
  scripts: {
    build: 'tsup',
    test: 'vitest run',
    typecheck: 'tsc --noEmit',
    lint: 'biome check src',
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

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
});
`,
);
write('src/index.ts', `export {};\n`);
write('CHANGELOG.md', `# @ner/${name}\n`);
write('README.md', `# @ner/${name}\n\n${description}\n`);
console.log(`created ${dir}`);
