// Entities as an aligned text table, one row per entity, so the five strategies can be compared by eye.
import type { GroupedEntity, TokenClassificationOutput, TokenEntity } from '@ner/pipeline';

function isTokenEntity(entity: TokenEntity | GroupedEntity): entity is TokenEntity {
  return 'entity' in entity;
}

/** Renders entities as a table: `none` gives entity/index columns, the grouping strategies entity_group. */
export function entityTable(entities: TokenClassificationOutput): string {
  if (entities.length === 0) return '  (no entities)';
  const list = entities as (TokenEntity | GroupedEntity)[];
  const tokenLevel = isTokenEntity(list[0]!);
  const header = tokenLevel
    ? ['entity', 'score', 'index', 'word', 'start', 'end']
    : ['entity_group', 'score', 'word', 'start', 'end'];
  const rows = list.map((e) => {
    const common = [e.score.toFixed(4)];
    const span = [JSON.stringify(e.word), String(e.start), String(e.end)];
    return isTokenEntity(e)
      ? [e.entity, ...common, String(e.index), ...span]
      : [e.entity_group, ...common, ...span];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
