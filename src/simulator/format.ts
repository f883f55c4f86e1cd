/**
 * RouterOS value formats the simulator reads and writes: durations (`1h2m3s`, `12ms345us`),
 * timestamps (`2025-03-11 11:59:04`, the RouterOS 7.10+ style) and numbers.
 */

const UNIT_MS: Record<string, number> = {
  w: 604_800_000,
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
  us: 0.001,
};

/** `1w2d3h4m5s` as RouterOS prints an uptime: whole seconds, zero parts left out, `0s` for zero. */
export function formatUptime(ms: number): string {
  let rest = Math.max(0, Math.floor(ms / 1000));
  const parts: Array<[number, string]> = [];
  for (const [unit, size] of [
    ['w', 604_800],
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
  ] as const) {
    parts.push([Math.floor(rest / size), unit]);
    rest %= size;
  }
  parts.push([rest, 's']);
  const text = parts
    .filter(([n]) => n > 0)
    .map(([n, u]) => `${n}${u}`)
    .join('');
  return text === '' ? '0s' : text;
}

/** A round-trip time as RouterOS 7 prints it in ping replies: `12ms345us`, `845us`, `3ms`. */
export function formatRtt(ms: number): string {
  const totalUs = Math.max(0, Math.round(ms * 1000));
  const whole = Math.floor(totalUs / 1000);
  const us = totalUs % 1000;
  if (whole === 0) return `${us}us`;
  return us === 0 ? `${whole}ms` : `${whole}ms${us}us`;
}

/**
 * Parses a RouterOS duration argument into milliseconds: plain seconds (`1`, `0.01`),
 * `hh:mm:ss[.fff]`, or unit parts (`1m30s`, `10ms`). Returns undefined when it is not one.
 */
export function parseDuration(text: string): number | undefined {
  const value = text.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const clock = /^(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(value);
  if (clock) return (Number(clock[1]) * 3600 + Number(clock[2]) * 60 + Number(clock[3])) * 1000;
  const unitPart = /(\d+(?:\.\d+)?)(ms|us|w|d|h|m|s)/y;
  let total = 0;
  let pos = 0;
  while (pos < value.length) {
    unitPart.lastIndex = pos;
    const m = unitPart.exec(value);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2]];
    pos = unitPart.lastIndex;
  }
  return pos === 0 ? undefined : total;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Local time as `YYYY-MM-DD HH:MM:SS`, the date format of RouterOS 7.10 and later. */
export function formatTimestamp(date: Date): string {
  return (
    `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())} ` +
    `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`
  );
}

/** A decimal number written the plain way (`-3`, `1500`, `2.5`), so comparisons can be numeric. */
export function isNumeric(text: string): boolean {
  return /^-?\d+(\.\d+)?$/.test(text);
}

/** RouterOS `.id` for a counter value: `*1`, `*A`, `*1F`. */
export function formatId(n: number): string {
  return `*${n.toString(16).toUpperCase()}`;
}
