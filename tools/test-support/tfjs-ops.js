// The tfjs ops that backend kernel tests run against the cpu backend, by name, so the cuda and
// native suites cover the same list. `opsByName(tf, names)` turns names into [name, op] pairs.

/** Elementwise float binary ops with broadcasting that every backend kernel covers. */
export const FLOAT_BINARY_OPS = Object.freeze([
  'add',
  'sub',
  'mul',
  'div',
  'maximum',
  'minimum',
  'squaredDifference',
]);

/** Broadcasting comparisons (bool output). */
export const COMPARE_OPS = Object.freeze([
  'equal',
  'notEqual',
  'less',
  'lessEqual',
  'greater',
  'greaterEqual',
]);

/** `[name, tf[name]]` for each name; throws naming an op this tfjs lacks. */
export function opsByName(tf, names) {
  return names.map((name) => {
    const op = tf[name];
    if (typeof op !== 'function') throw new Error(`tfjs has no op '${name}'`);
    return [name, op];
  });
}
