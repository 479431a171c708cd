/** Python reprs used verbatim in transformers' loading messages. */

/** `repr(list_of_str)`: `['a', 'b']`. */
export function pythonListRepr(items: readonly string[]): string {
  return `[${items.map((item) => `'${item.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`).join(', ')}]`;
}

/** `repr(torch.Size([...]))`. */
export function torchSizeRepr(shape: readonly number[]): string {
  return `torch.Size([${shape.join(', ')}])`;
}
