import type { NodeAPI } from 'node-red';
import type { SharedSessionOptions } from '../../client';

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

/** The account, timing and text settings a connection node and a fleet node pass to their sessions. */
export interface SessionSettings {
  username: string | undefined;
  password: string | undefined;
  encoding: SharedSessionOptions['encoding'];
  timeoutMs: number;
  keepaliveMs: number;
  loginRetryMs: number;
}

export function sessionOptions(settings: SessionSettings): SharedSessionOptions {
  const { timeoutMs } = settings;
  return {
    username: settings.username || 'admin',
    password: settings.password ?? '',
    encoding: settings.encoding,
    connectTimeout: timeoutMs,
    timeout: timeoutMs,
    idleProbeInterval: settings.keepaliveMs,
    probeTimeout: timeoutMs,
    // Short, so that a command sent right after a half-open timeout still fits its own timeout.
    livenessTimeout: Math.min(2000, timeoutMs / 3),
    loginRetryDelay: settings.loginRetryMs,
    // Listen streams feed Node-RED's message queue: let it drain between socket reads.
    yieldBetweenChunks: true,
  };
}
