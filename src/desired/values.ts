/**
 * Comparing values the way RouterOS prints them. A desired `yes` matches a printed `true`, `1h`
 * matches `01:00:00` and `1h00m`, `0010` matches `10`, and surrounding spaces do not count. A
 * property the router does not print counts as empty.
 */

/** What a desired entry may give for a property. */
export type DesiredValue = string | number | boolean;

const UNIT_MS: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** `1w2d3h4m5s`, `10ms`, `1d02:03:04`, `00:05:00`, `1h00m` → milliseconds; undefined otherwise. */
export function durationMs(text: string): number | undefined {
  // An optional unit part (weeks, days, hours, minutes, seconds, ms), then an optional clock.
  const m = /^((?:\d+(?:ms|w|d|h|m|s))*)(?:(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?))?$/.exec(text);
  if (!m || (m[1] === '' && m[2] === undefined)) return undefined;
  let total = 0;
  for (const part of m[1].matchAll(/(\d+)(ms|w|d|h|m|s)/g)) total += Number(part[1]) * UNIT_MS[part[2]];
  if (m[2] !== undefined) total += (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4])) * 1000;
  return total;
}

/** The text a desired value is sent as: booleans as `yes` / `no`, numbers in decimal. */
export function wireValue(value: DesiredValue): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

/**
 * A value in a form where equal settings are equal strings: booleans `b:true`, durations
 * `d:<ms>`, plain numbers `n:<number>`, everything else the trimmed text.
 */
export function canonical(value: DesiredValue | undefined): string {
  if (value === undefined) return '';
  const text = wireValue(value).trim();
  if (text === 'yes' || text === 'true') return 'b:true';
  if (text === 'no' || text === 'false') return 'b:false';
  if (/^-?\d+(\.\d+)?$/.test(text)) return `n:${Number(text)}`;
  const ms = durationMs(text);
  if (ms !== undefined) return `d:${ms}`;
  return text;
}

/**
 * True when the router's printed value (undefined: not printed) is the desired one. A bare
 * number against a duration counts as seconds, as RouterOS reads a bare number for a time.
 */
export function sameValue(desired: DesiredValue, printed: string | undefined): boolean {
  const want = canonical(desired);
  const have = canonical(printed);
  if (want === have) return true;
  const asSeconds = (c: string): string => (c.startsWith('n:') ? `d:${Number(c.slice(2)) * 1000}` : c);
  return (want.startsWith('d:') || have.startsWith('d:')) && asSeconds(want) === asSeconds(have);
}
