#!/usr/bin/env node
// Type-checks the published types of the public packages the way a strict consumer without
// @types/node sees them: a scratch project (strict, `types: []`, node16 resolution) that imports
// each package, with node_modules/@ner/<name> linked to the package (its `dist/`, as `files`
// ships it). Reports the errors found in our .d.ts files, grouped by package.
//
//   node tools/ci/consumer-types.mjs [name ...]     (default: every public package; exit 1 on errors)
//
// A package whose public types are Node's (streams, Buffer) must depend on @types/node instead;
// such a package is checked with @types/node loaded ("types": ["node"]).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publicPackages, repoRoot as root } from './workspace-packages.mjs';

/**
 * Checks `names` (all public packages when empty); returns { errors: Map<name, string[]>, checked }.
 * A package that is not built (its types are missing) is an error too.
 */
export function checkConsumerTypes(names = []) {
  const packages = publicPackages().filter(
    ({ manifest }) => names.length === 0 || names.includes(manifest.name),
  );
  const dir = mkdtempSync(join(tmpdir(), 'ner-consumer-types-'));
  try {
    const errors = new Map();
    for (const { folder, manifest } of packages) {
      const types = manifest.types ?? manifest.exports?.['.']?.import?.types;
      if (!types || !existsSync(join(folder, types))) {
        errors.set(manifest.name, [`${types ?? 'its types'} not found: build it first (pnpm build)`]);
        continue;
      }
      const project = join(dir, manifest.name.replace(/[@/]/g, '_'));
      const link = join(project, 'node_modules', ...manifest.name.split('/'));
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(folder, link, 'dir');
      const withNode = Boolean(manifest.dependencies?.['@types/node']);
      writeFileSync(
        join(project, 'package.json'),
        '{ "name": "consumer", "private": true, "type": "module" }\n',
      );
      writeFileSync(join(project, 'index.ts'), `import * as api from '${manifest.name}';\nexport { api };\n`);
      writeFileSync(
        join(project, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            target: 'ES2022',
            module: 'node16',
            moduleResolution: 'node16',
            types: withNode ? ['node'] : [],
            lib: ['ES2022'],
            noEmit: true,
            skipLibCheck: false,
          },
          files: ['index.ts'],
        }),
      );
      const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
      const result = spawnSync(process.execPath, [tsc, '-p', project, '--pretty', 'false'], {
        cwd: project,
        encoding: 'utf8',
        timeout: 300_000,
      });
      // Only our own declaration files count: a dependency's types are its own business.
      const ours = `${result.stdout}`
        .split('\n')
        .filter((line) => /error TS/.test(line))
        .filter((line) => {
          // tsc names files relative to its working folder (the project), by their real path.
          const file = resolve(project, line.slice(0, line.indexOf('(')));
          return file.startsWith(`${folder}/`) || file === join(project, 'index.ts');
        });
      if (ours.length > 0) errors.set(manifest.name, ours);
    }
    return { errors, checked: packages.map(({ manifest }) => manifest.name) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { errors, checked } = checkConsumerTypes(process.argv.slice(2));
  for (const [name, lines] of errors) {
    console.log(`${name}: ${lines.length} error(s) in a strict consumer without @types/node`);
    for (const line of lines) console.log(`  ${line}`);
  }
  console.log(`consumer types: ${checked.length - errors.size} of ${checked.length} packages clean`);
  process.exit(errors.size > 0 ? 1 : 0);
}
