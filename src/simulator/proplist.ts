/**
 * `=.proplist=a,b,c`: only the named properties come back, in the order the client named them
 * (the documentation leaves the order undefined; ordering them is what clients find easiest to
 * test against). Names the item does not have are left out, duplicates count once.
 */

export type Pairs = Array<[string, string]>;

/** Parses the proplist value; `undefined` when the command had no `.proplist`. */
export function parseProplist(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const names: string[] = [];
  for (const raw of value.split(',')) {
    const name = raw.trim();
    if (name !== '' && !names.includes(name)) names.push(name);
  }
  return names;
}

/** The item's properties as attribute pairs, limited and ordered by the proplist when given. */
export function selectProperties(row: ReadonlyMap<string, string>, proplist: readonly string[] | undefined): Pairs {
  if (proplist === undefined) return [...row.entries()];
  const out: Pairs = [];
  for (const name of proplist) {
    const value = row.get(name);
    if (value !== undefined) out.push([name, value]);
  }
  return out;
}
