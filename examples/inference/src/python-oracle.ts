// What Python's transformers 4.38 pipeline printed for the oracle model, read from
// ../shared/oracle/pipeline/cases.json (schema in that folder's README), and a comparison with ours.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { GroupedEntity, TokenEntity } from '@ner/pipeline';

type Entity = TokenEntity | GroupedEntity;
type OracleResult = { value: Entity[] } | { error: { type: string; message: string } };

interface OracleCases {
  sentences: { id: string; text: string; model_outputs: Record<string, OracleResult> }[];
}

/** Python's outputs per text and strategy, for the texts the oracle recorded. */
export class PythonOutputs {
  private readonly byText: Map<string, { id: string; outputs: Record<string, OracleResult> }>;

  constructor(oracleDir: string) {
    const path = resolve(oracleDir, 'cases.json');
    const cases = JSON.parse(readFileSync(path, 'utf8')) as OracleCases;
    if (!Array.isArray(cases.sentences)) throw new Error(`${path}: no "sentences" array`);
    this.byText = new Map(cases.sentences.map((s) => [s.text, { id: s.id, outputs: s.model_outputs }]));
  }

  /** Ids of the recorded sentences whose text is one of `texts`. */
  recordedId(text: string): string | undefined {
    return this.byText.get(text)?.id;
  }

  /**
   * "matches Python (id)" when every field is equal and scores agree within 1e-5 (float32
   * softmax; the pipeline's README documents ≤ 6e-8 observed), the first difference otherwise,
   * or undefined when Python recorded nothing for this text.
   */
  compare(
    text: string,
    strategy: string,
    actual: readonly Entity[],
  ): { ok: boolean; message: string } | undefined {
    const recorded = this.byText.get(text);
    const expected = recorded?.outputs[strategy];
    if (recorded === undefined || expected === undefined) return undefined;
    const where = `Python ${recorded.id}/${strategy}`;
    if (!('value' in expected)) {
      return { ok: false, message: `${where} raised ${expected.error.type}: ${expected.error.message}` };
    }
    const want = expected.value;
    if (want.length !== actual.length) {
      return { ok: false, message: `${where} has ${want.length} entities, we have ${actual.length}` };
    }
    // Every field but the score, keys sorted, so key order does not matter.
    const strip = (e: Entity) =>
      JSON.stringify(
        Object.entries(e)
          .filter(([key]) => key !== 'score')
          .sort(([a], [b]) => (a < b ? -1 : 1)),
      );
    let maxScoreDiff = 0;
    for (const [i, ours] of actual.entries()) {
      const theirs = want[i]!;
      if (strip(ours) !== strip(theirs)) {
        return { ok: false, message: `${where} entity ${i}: Python ${strip(theirs)}, ours ${strip(ours)}` };
      }
      maxScoreDiff = Math.max(maxScoreDiff, Math.abs(ours.score - theirs.score));
    }
    if (maxScoreDiff > 1e-5) {
      return { ok: false, message: `${where}: scores differ by up to ${maxScoreDiff.toExponential(2)}` };
    }
    return {
      ok: true,
      message: `matches Python (${recorded.id}/${strategy}, ${want.length} entities, max |Δscore| ${maxScoreDiff.toExponential(1)})`,
    };
  }
}
