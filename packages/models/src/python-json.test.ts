import { describe, expect, it } from 'vitest';
import { PyFloat, PyIntKeyDict, pythonFloatRepr, pythonJsonDumps } from './python-json.js';

describe('pythonFloatRepr', () => {
  // Expected strings from Python 3.11: [repr(x) for x in ...].
  it.each([
    [1e-5, '1e-05'],
    [1e-12, '1e-12'],
    [0.1, '0.1'],
    [0.02, '0.02'],
    [1, '1.0'],
    [123456.789, '123456.789'],
    [1e16, '1e+16'],
    [1.5e-7, '1.5e-07'],
    [0.0001, '0.0001'],
    [1.2345678901234568e16, '1.2345678901234568e+16'],
    [-2.5, '-2.5'],
    [0, '0.0'],
  ])('%d -> %s', (value, text) => {
    expect(pythonFloatRepr(value)).toBe(text);
  });
});

describe('pythonJsonDumps', () => {
  it('sorts keys, sorts int keys numerically, escapes non-ASCII and indents by 2', () => {
    const text = pythonJsonDumps({
      b: new PyFloat(0),
      a: new PyIntKeyDict([
        [10, 'x'],
        [2, 'é'],
      ]),
      c: [],
      d: { z: null, y: true },
    });
    expect(text).toBe(
      '{\n  "a": {\n    "2": "\\u00e9",\n    "10": "x"\n  },\n  "b": 0.0,\n  "c": [],\n  "d": {\n    "y": true,\n    "z": null\n  }\n}\n',
    );
  });
});
