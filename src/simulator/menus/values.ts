import { isIP } from 'node:net';
import { formatUptime, parseDuration } from '../format';
import { RouterError, Table } from '../router';

/** yes/no/true/false → `true` / `false` as RouterOS 7 prints it; a trap otherwise. */
export function trueFalse(value: string, name: string): string {
  if (value === 'yes' || value === 'true') return 'true';
  if (value === 'no' || value === 'false') return 'false';
  throw new RouterError(`value of ${name} must be yes or no`, 1);
}

/** A time argument (`1d`, `01:00:00`, `3600`) as RouterOS 7 prints it (`1d`, `1h`); a trap otherwise. */
export function duration(value: string, name: string): string {
  const ms = parseDuration(value);
  if (ms === undefined) throw new RouterError(`invalid value for argument ${name}`, 1);
  return formatUptime(ms);
}

/** An address, an address/prefix or a range `a-b` of IPv4 or IPv6; a trap otherwise. */
export function addressArgument(value: string, name: string, allowRange: boolean): string {
  const bad = (): never => {
    throw new RouterError(`invalid value for argument ${name}`, 1);
  };
  const range = value.split('-');
  if (range.length === 2 && allowRange) {
    if (!isIP(range[0]) || isIP(range[0]) !== isIP(range[1])) bad();
    return value;
  }
  const [ip, prefix, extra] = value.split('/');
  const family = isIP(ip);
  if (family === 0 || extra !== undefined) bad();
  if (prefix !== undefined && (!/^\d{1,3}$/.test(prefix) || Number(prefix) > (family === 4 ? 32 : 128))) bad();
  return value;
}

/** Applies `changes` to a row; an empty value removes an optional property (a comment). */
export function applyChanges(
  table: Table,
  id: string,
  changes: Array<[string, string]>,
  optional: readonly string[],
): void {
  table.update(
    id,
    changes.filter(([k, v]) => !(optional.includes(k) && v === '')),
  );
  for (const [k, v] of changes) if (optional.includes(k) && v === '') table.unset(id, k);
}
