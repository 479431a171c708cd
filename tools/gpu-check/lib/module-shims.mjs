// @ner/models' initBackend loads a backend package with `import(name)` where `name` is a variable,
// which a bundler leaves alone: inside the payload that import goes to node_modules/ beside the
// bundles. pack.sh writes a shim package there for each name below; the shim re-exports the module
// a bundle registered here, so the backend it sees is the one registered with the bundle's own
// tfjs-core (a second copy of tfjs-core would not know it).
const KEY = Symbol.for('ner.gpuCheck.modules');

/** Makes `module` what `import(name)` gives inside the payload. */
export function registerShimTarget(name, module) {
  globalThis[KEY] ??= {};
  globalThis[KEY][name] = module;
}

/** The source of the shim for package `name` with the given export names (used by pack.sh). */
export function shimSource(name, exportNames) {
  const safe = exportNames.filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== 'default');
  return [
    `// Written by tools/gpu-check/pack.sh: hands back the copy of ${name} a bundle registered.`,
    `const m = globalThis[Symbol.for('ner.gpuCheck.modules')]?.[${JSON.stringify(name)}];`,
    `if (!m) throw new Error(${JSON.stringify(`${name} is not part of this gpu-check bundle`)});`,
    safe.length ? `export const { ${safe.join(', ')} } = m;` : '',
    'export default m;',
    '',
  ].join('\n');
}
