import { createHash } from 'node:crypto';
import type { RouterOSClient } from './client';
import { LoginError, RouterOSError, TimeoutError, TrapError } from './errors';
import { encodedByteLength, writeText, TextEncoding } from '../protocol';

const CHALLENGE = /^[0-9a-fA-F]{32}$/;

/** `00` + md5(0x00 + password + challenge), the pre-6.43 challenge response. */
export function legacyResponse(password: string, challengeHex: string, encoding: TextEncoding = 'utf8'): string {
  const passwordBytes = Buffer.alloc(encodedByteLength(password, encoding));
  writeText(password, passwordBytes, 0, encoding);
  const md5 = createHash('md5');
  md5.update(Buffer.from([0]));
  md5.update(passwordBytes);
  md5.update(Buffer.from(challengeHex, 'hex'));
  return '00' + md5.digest('hex');
}

/**
 * Logs in the RouterOS 6.43+ way; when the router answers with a `=ret=` challenge instead it
 * is an older router, so answer the challenge. Errors never contain the password.
 */
export async function login(
  client: RouterOSClient,
  username: string,
  password: string,
  timeout: number,
): Promise<void> {
  try {
    const first = await client.call('/login', { attributes: { name: username, password } }, { timeout });
    const challenge = first.done.ret;
    if (challenge === undefined) return;
    if (!CHALLENGE.test(challenge)) {
      throw new LoginError(`router ${client.label} sent an unusable login challenge`, 'ELOGIN');
    }
    const response = legacyResponse(password, challenge, client.encoding);
    await client.call('/login', { attributes: { name: username, response } }, { timeout });
  } catch (err) {
    throw explainLoginFailure(err, client.label, username, timeout);
  }
}

function explainLoginFailure(err: unknown, label: string, username: string, timeout: number): Error {
  if (err instanceof LoginError) return err;
  if (err instanceof TrapError) {
    return new LoginError(`login to ${label} as "${username}" refused: ${err.message}`);
  }
  if (err instanceof TimeoutError) {
    return new LoginError(
      `no RouterOS API answer to login from ${label} within ${timeout} ms (is this the API port, and is the API service enabled?)`,
      'ETIMEOUT',
    );
  }
  if (err instanceof RouterOSError) {
    const hint =
      err.code === 'ENOTROUTEROS' || err.name === 'ProtocolError'
        ? ' (the service on that port does not look like the RouterOS API)'
        : ' (wrong password, or API access denied for this user or address)';
    const wrapped = new LoginError(`login to ${label} as "${username}" failed: ${err.message}${hint}`, err.code);
    return wrapped;
  }
  return err instanceof Error ? err : new Error(String(err));
}
