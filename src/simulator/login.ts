import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { TextEncoding, encodedByteLength, writeText } from '../protocol';

/** A fresh 16-byte challenge as the 32 hex digits RouterOS before 6.43 sends in `=ret=`. */
export function makeChallenge(): string {
  return randomBytes(16).toString('hex');
}

function textBytes(text: string, encoding: TextEncoding): Buffer {
  const out = Buffer.alloc(encodedByteLength(text, encoding));
  writeText(text, out, 0, encoding);
  return out;
}

/** The pre-6.43 login response: `00` + md5hex(0x00 + password bytes + challenge bytes). */
export function legacyResponse(password: string, challengeHex: string, encoding: TextEncoding = 'utf8'): string {
  const md5 = createHash('md5');
  md5.update(Buffer.from([0]));
  md5.update(textBytes(password, encoding));
  md5.update(Buffer.from(challengeHex, 'hex'));
  return `00${md5.digest('hex')}`;
}

/** Compares secrets without leaking where they differ. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
