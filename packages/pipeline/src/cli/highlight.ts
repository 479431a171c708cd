import type { GroupedEntity, TokenEntity } from '../types.js';

// ANSI SGR colours, cycled over entity types in order of first appearance, with
// the usual CoNLL types pinned so PER is always the same colour between lines.
const PINNED: Record<string, string> = { PER: '36', ORG: '33', LOC: '32', MISC: '35' };
const CYCLE = ['34', '31', '96', '93', '92', '95'];

function entityType(entity: TokenEntity | GroupedEntity): string {
  if ('entity_group' in entity) return entity.entity_group;
  const dash = entity.entity.indexOf('-');
  return dash === -1 ? entity.entity : entity.entity.slice(dash + 1);
}

/**
 * The text with each entity marked: on a colour terminal the span is shown
 * bold on its type's colour followed by a dim type tag; without colour it is
 * written `[span](TYPE)`. Overlapping or offset-less entities are skipped.
 */
export function highlightEntities(
  text: string,
  entities: readonly (TokenEntity | GroupedEntity)[],
  options: { color: boolean },
): string {
  const colors = new Map<string, string>();
  let next = 0;
  const colorOf = (type: string) => {
    let code = colors.get(type) ?? PINNED[type];
    if (code === undefined) {
      code = CYCLE[next++ % CYCLE.length]!;
      colors.set(type, code);
    }
    return code;
  };
  const sorted = entities
    .filter((e) => e.start !== null && e.end !== null)
    .sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
  let out = '';
  let cursor = 0;
  for (const entity of sorted) {
    const start = entity.start!;
    const end = entity.end!;
    if (start < cursor || end <= start) continue;
    const type = entityType(entity);
    const span = text.slice(start, end);
    out += text.slice(cursor, start);
    out += options.color
      ? `\x1b[1;${colorOf(type)}m${span}\x1b[0m\x1b[2m[${type}]\x1b[0m`
      : `[${span}](${type})`;
    cursor = end;
  }
  return out + text.slice(cursor);
}
