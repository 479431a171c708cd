// What a packed package's JavaScript imports that its package.json does not declare. npm hoists
// every dependency of an install to the top of node_modules, so an undeclared import often works
// by accident there and fails only for a user whose tree is laid out otherwise (pnpm, Yarn PnP,
// another version hoisted). So the built files are read for the module names they load.
//
//   import { undeclaredImports } from './dist-imports.mjs';
//   undeclaredImports('/tmp/x/package')   // [{ file: 'dist/index.js', specifier: 'lodash' }, ...]
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';

// Static and dynamic ESM imports, re-exports and require() calls with a literal module name, as
// tsup/esbuild write them (a computed name, e.g. import(specifier), cannot be read).
const PATTERNS = [
  /\bfrom\s*["']([^"'\s]+)["']/g,
  /\bimport\s*\(\s*["']([^"'\s]+)["']\s*\)/g,
  /\brequire\s*\(\s*["']([^"'\s]+)["']\s*\)/g,
  /^\s*import\s*["']([^"'\s]+)["']/gm,
];
const BUILTINS = new Set(builtinModules);
// npm's rule for a package name; anything else (a template such as `${path}` in a message) is text.
const PACKAGE_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

/** The package a bare specifier names (`@scope/name/sub` → `@scope/name`), or null if it is not bare. */
export function packageOf(specifier) {
  if (/^(\.|\/|node:|data:|file:|#)/.test(specifier)) return null;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  if (!PACKAGE_NAME.test(name)) return null;
  return BUILTINS.has(name) || BUILTINS.has(specifier) ? null : name;
}

/** Module names loaded by one file's text. */
export function importedSpecifiers(text) {
  const found = new Set();
  for (const pattern of PATTERNS) {
    for (const match of text.matchAll(pattern)) found.add(match[1]);
  }
  return [...found];
}

function scriptFiles(dir) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') files.push(...scriptFiles(path));
    } else if (/\.(c|m)?js$/.test(entry.name)) files.push(path);
  }
  return files;
}

/**
 * Each import in the JavaScript files of an unpacked package folder (`package/` of a tarball)
 * whose package is neither the package itself nor in its dependencies, peerDependencies or
 * optionalDependencies.
 */
export function undeclaredImports(packageDir) {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  const declared = new Set([
    manifest.name,
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
    ...Object.keys(manifest.optionalDependencies ?? {}),
  ]);
  const missing = [];
  for (const file of scriptFiles(packageDir)) {
    for (const specifier of importedSpecifiers(readFileSync(file, 'utf8'))) {
      const name = packageOf(specifier);
      if (name && !declared.has(name)) missing.push({ file: relative(packageDir, file), specifier });
    }
  }
  return missing;
}
