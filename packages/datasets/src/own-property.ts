/**
 * Column names are data, not code: a column called `__proto__` must be an ordinary key of a row. Plain
 * assignment `row['__proto__'] = v` sets the object's prototype instead (the column vanishes, and an
 * object value would be inherited by the row), and reading `row['__proto__']` or `row['constructor']`
 * finds `Object.prototype`'s members when the row has no such column.
 */

/** Sets `target[key] = value` as an own, enumerable data property, `__proto__` included. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/** `source[key]` when `source` has it as its own property, else undefined (never an inherited member). */
export function getOwn(source: object, key: string): unknown {
  return Object.hasOwn(source, key) ? (source as Record<string, unknown>)[key] : undefined;
}
