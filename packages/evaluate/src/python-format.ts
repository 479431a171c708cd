// Python's `str(float)` for the report's float supports (sample weights). The
// `{:.Nf}` rounding and the padding are seqeval's (`@ner/seqeval/internal`); the float itself is
// tools/python-format's, shared with models, hub and trainer.
import { pythonFloatRepr } from '../../../tools/python-format/index.js';

/** Python's `str(float)`: shortest round-trip digits, `.0` on integers, exponent below 1e-4 and from 1e16. */
export function formatPythonFloat(value: number): string {
  return pythonFloatRepr(value);
}
