/** A command sentence from the client, split into its kinds of words. */
export interface ParsedCommand {
  /** The command word, e.g. `/interface/print`. */
  path: string;
  /** `.tag=` value; undefined when absent or empty (the router then sends untagged replies). */
  tag: string | undefined;
  /** `=name=value` words, split at the second `=`; a later word wins over an earlier one. */
  attrs: Map<string, string>;
  /** Query words without their leading `?`, in order (order matters for queries). */
  queries: string[];
}

export function parseCommand(words: readonly string[]): ParsedCommand {
  const attrs = new Map<string, string>();
  const queries: string[] = [];
  let tag: string | undefined;
  for (let i = 1; i < words.length; i++) {
    const word = words[i];
    if (word.startsWith('=')) {
      const eq = word.indexOf('=', 1);
      if (eq < 0) attrs.set(word.slice(1), '');
      else attrs.set(word.slice(1, eq), word.slice(eq + 1));
    } else if (word.startsWith('.tag=')) {
      const value = word.slice(5);
      tag = value === '' ? undefined : value;
    } else if (word.startsWith('?')) {
      queries.push(word.slice(1));
    }
    // Other API attribute words are ignored, as the router does with ones it does not know.
  }
  return { path: words[0] ?? '', tag, attrs, queries };
}
