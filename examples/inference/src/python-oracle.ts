// What Python's transformers 4.38 pipeline printed for the oracle model, read from
// ../shared/oracle/pipeline/cases.json (schema in that folder's README), and a comparison with ours.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { GroupedEntity, TokenEntity } from '@ner/pipeline';
import { compareEntities } from './compare-entities.js';

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
    const result = compareEntities(want, actual);
    if (!result.ok) return { ok: false, message: `${where}: ${result.message}` };
    const maxScoreDiff = result.maxScoreDiff;
    return {
      ok: true,
      message: `matches Python (${recorded.id}/${strategy}, ${want.length} entities, max |Δscore| ${maxScoreDiff.toExponential(1)})`,
    };
  }
}
