import type { NodeAPI } from 'node-red';

export const isPort = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= 65535;
export const isPositive = (n: number): boolean => Number.isFinite(n) && n > 0;
export const isWholeAtLeastOne = (n: number): boolean => Number.isInteger(n) && n >= 1;

/**
 * A numeric setting of a config node. Empty takes the default; anything else must pass
 * `valid`, or the default is used with a warning (often an environment variable that is not
 * set, or set to something else). `type` names the node whose catalog has `warn.bad-setting`.
 */
export function setting(
  RED: NodeAPI,
  warn: (text: string) => void,
  type: 'routeros-connection' | 'routeros-fleet',
  name: string,
  value: unknown,
  fallback: number,
  valid: (n: number) => boolean,
): number {
  const text = String(value ?? '').trim();
  if (text === '') return fallback;
  const n = Number(text);
  if (valid(n)) return n;
  warn(RED._(`${type}.warn.bad-setting`, { setting: name, value: text, used: fallback }));
  return fallback;
}
