import type { Attributes } from '../client';

/** One changed entry: what its properties were and what they became. */
export interface UpdatedEntry {
  /** Absent for a one-object menu. */
  '.id'?: string;
  key: Record<string, string>;
  before: Record<string, string>;
  after: Record<string, string>;
}

export interface MovedEntry {
  /** Absent in a dry run for an entry that is yet to be added. */
  '.id'?: string;
  key: Record<string, string>;
  /** The `.id` it was put before (null: the end of the table; absent: an entry yet to be added). */
  before: string | null | undefined;
  /** The key of the entry it was put before (null: the end). */
  beforeKey: Record<string, string> | null;
}

/** What an ensure run did, or in a dry run would do: `msg.payload`. */
export interface EnsureReport {
  /** The router was changed (in a dry run: would be). */
  changed: boolean;
  dryRun: boolean;
  /** The entries added, as sent, with the `.id` the router gave them (none in a dry run). */
  added: Attributes[];
  updated: UpdatedEntry[];
  /** The entries removed, as they were read. */
  removed: Attributes[];
  moved: MovedEntry[];
  /** Listed entries (or the one object) already as desired. */
  unchanged: number;
}

export function emptyReport(dryRun: boolean): EnsureReport {
  return { changed: false, dryRun, added: [], updated: [], removed: [], moved: [], unchanged: 0 };
}

/** `name=value`, quoted when the value is empty or holds spaces, quotes or `=`. */
function pair(name: string, value: string): string {
  return `${name}=${/^[^\s"=]+$/.test(value) ? value : JSON.stringify(value)}`;
}

function pairs(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([k, v]) => pair(k, v))
    .join(' ');
}

/**
 * The report as readable lines, for a debug node or a chat message:
 * `+ list=blocked address=203.0.113.7`, `~ *5 comment: "old" → "new"`,
 * `- *7 list=blocked address=198.51.100.1`, `↕ chain=input comment=ssh before chain=input comment=drop`.
 */
export function diffLines(report: EnsureReport, keys: readonly string[]): string[] {
  const lines: string[] = [];
  for (const u of report.updated) {
    const changes = Object.keys(u.after)
      .map((name) => `${name}: ${JSON.stringify(u.before[name] ?? '')} → ${JSON.stringify(u.after[name])}`)
      .join(', ');
    lines.push(`~ ${u['.id'] === undefined ? '' : `${u['.id']} `}${changes}`);
  }
  for (const a of report.added) {
    // Without the new `.id`, so a dry run's lines are the lines the real run then prints.
    lines.push(`+ ${pairs(Object.fromEntries(Object.entries(a).filter(([k]) => k !== '.id')))}`);
  }
  for (const r of report.removed) {
    const key: Record<string, string> = {};
    for (const k of keys) key[k] = r[k] ?? '';
    lines.push(`- ${r['.id']} ${pairs(key)}`.trimEnd());
  }
  for (const m of report.moved) {
    // By key, not `.id`: an entry being added has none in a dry run.
    lines.push(`↕ ${pairs(m.key)} ${m.beforeKey === null ? 'to the end' : `before ${pairs(m.beforeKey)}`}`);
  }
  return lines;
}
