// Checks that docs/ja/tutorial.md still shows what tutorial.ts prints: every output line of the
// script (section titles and tfjs's banner aside) must appear verbatim, trailing spaces trimmed,
// in the tutorial. Usage: tsx tutorial.ts | tsx check-outputs.ts
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const tutorial = readFileSync(resolve(import.meta.dirname, '..', 'tutorial.md'), 'utf8');
const shown = new Set(tutorial.split('\n').map((line) => line.trimEnd()));
const printed = readFileSync(0, 'utf8')
  .split('\n')
  .map((line) => line.trimEnd())
  .filter((line) => line !== '' && !line.startsWith('=== ') && !/^=+$|TensorFlow\.js in Node\.js/.test(line));
const missing = printed.filter((line) => !shown.has(line));
if (printed.length === 0) {
  console.error('check-outputs: no output on stdin (run: tsx tutorial.ts | tsx check-outputs.ts)');
  process.exit(2);
}
if (missing.length > 0) {
  console.error(`check-outputs: ${missing.length} printed line(s) are not in docs/ja/tutorial.md:`);
  for (const line of missing) console.error(`  ${line}`);
  process.exit(1);
}
console.log(`check-outputs: all ${printed.length} printed lines appear in docs/ja/tutorial.md`);
