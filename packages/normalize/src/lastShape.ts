/**
 * What was derived from the last list of keys seen, kept while the next lists are the same (the
 * records of one file, one batch, have the same field names): derived again only when they change.
 */
export class LastShape<T> {
  private keys: readonly string[] = [];
  private value: T | undefined;

  constructor(private readonly derive: (keys: readonly string[]) => T) {}

  of(keys: readonly string[]): T {
    if (this.value !== undefined && sameKeys(this.keys, keys)) return this.value;
    this.keys = keys;
    this.value = this.derive(keys);
    return this.value;
  }
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
