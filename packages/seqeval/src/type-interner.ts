/**
 * Gives every entity type name a small integer, so entity extraction and
 * matching compare numbers instead of strings. One interner is shared by the
 * true and the predicted sequences of a call, so equal ids mean equal names.
 */
export class TypeInterner {
  private readonly ids = new Map<string, number>();
  readonly names: string[] = [];

  idOf(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(name, id);
      this.names.push(name);
    }
    return id;
  }
}
