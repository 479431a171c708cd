// One shape for every package's vitest.config.ts: the project is named after the
// package (so `vitest run --project @ner/x` finds it from the root), runs the
// tests in src/ and test/, and inside its own tests the package's name and each
// of its export subpaths mean its sources. README snippets then import
// `@ner/x` exactly as users do and still test the code under edit, not dist/.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const quietBanner = fileURLToPath(new URL('./quiet-tfjs-banner.js', import.meta.url));

/** The source file behind an export subpath: `.` → src/index.ts, `./plot` → src/plot.ts or src/plot/index.ts. */
function sourceOf(dir, packageName, subpath) {
  const stem = subpath === '.' ? 'index' : subpath.slice(2);
  const candidates = [join(dir, 'src', `${stem}.ts`), join(dir, 'src', stem, 'index.ts')];
  const found = candidates.find((path) => existsSync(path));
  if (found === undefined) {
    throw new Error(
      `${packageName} exports "${subpath}" but none of ${candidates.join(', ')} exists: ` +
        'cannot point the name at its source for the tests',
    );
  }
  return found;
}

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * Aliases from the package's own name (and each code export subpath) to its TypeScript sources,
 * read from the package.json beside `configUrl`.
 */
export function selfAliases(configUrl) {
  const dir = dirname(fileURLToPath(configUrl));
  const manifestPath = join(dir, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  if (typeof manifest.name !== 'string') throw new Error(`${manifestPath} has no "name"`);
  const subpaths =
    manifest.exports && typeof manifest.exports === 'object' ? Object.keys(manifest.exports) : ['.'];
  return subpaths
    .filter((subpath) => subpath === '.' || (subpath.startsWith('./') && !/[*]|\.json$/.test(subpath)))
    .map((subpath) => {
      const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
      return {
        find: new RegExp(`^${escapeRegExp(specifier)}$`),
        replacement: sourceOf(dir, manifest.name, subpath),
      };
    });
}

/**
 * The vitest project config of the package whose vitest.config.ts has `configUrl`
 * (pass `import.meta.url`); `options.test` and `options.resolve.alias` (an array) add to it.
 */
export function packageVitestConfig(configUrl, options = {}) {
  const dir = dirname(fileURLToPath(configUrl));
  const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const { resolve = {}, test = {}, ...rest } = options;
  return {
    ...rest,
    resolve: { ...resolve, alias: [...selfAliases(configUrl), ...(resolve.alias ?? [])] },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      ...test,
      setupFiles: [quietBanner, ...(test.setupFiles ?? [])],
    },
  };
}

/**
 * For a test of the self-aliases: imports each specifier (through the test's resolver) and lists
 * every `specifier#export` whose value is not the one in the module given for it, which the test
 * imported from src/. A specifier that resolves elsewhere (dist/) differs in every export; an empty
 * module is listed as `specifier#(no exports)` so the check cannot pass vacuously.
 */
export async function selfAliasMismatches(modulesBySpecifier) {
  const mismatches = [];
  for (const [specifier, source] of Object.entries(modulesBySpecifier)) {
    const names = Object.keys(source);
    if (names.length === 0) {
      mismatches.push(`${specifier}#(no exports)`);
      continue;
    }
    const byName = await import(specifier);
    for (const name of names)
      if (!Object.is(byName[name], source[name])) mismatches.push(`${specifier}#${name}`);
  }
  return mismatches;
}
