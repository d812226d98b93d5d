import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateCertificate } from '../../../src/state/cert-check.js';

// Test-only key pairs (self-signed, CN=a.example.com, valid for 100 years).
const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string): string => readFileSync(join(here, 'fixtures', name), 'utf8');
const good = fixture('a.pem');
const cert = good.slice(0, good.indexOf('-----BEGIN PRIVATE KEY-----'));
const key = good.slice(good.indexOf('-----BEGIN PRIVATE KEY-----'));

describe('validateCertificate', () => {
  it('accepts a certificate with its private key, in either order', () => {
    const r = validateCertificate(good);
    expect(r).toMatchObject({ ok: true, subject: 'CN=a.example.com', expired: false });
    expect(validateCertificate(key + cert).ok).toBe(true);
  });

  it.each([
    ['garbage', 'hello', /no PEM block/],
    ['a certificate without key', cert, /one private key, found 0/],
    ['a key without certificate', key, /no CERTIFICATE/],
    ['two keys', good + key, /one private key, found 2/],
    [
      'a certificate block that is not base64 DER',
      '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n' + key,
      /cannot be parsed/,
    ],
    ['a key of another certificate', fixture('mismatched.pem'), /does not belong/],
    [
      'an encrypted key',
      cert + '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n',
      /encrypted/,
    ],
    [
      'a broken key',
      cert + '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n',
      /private key cannot be parsed/,
    ],
  ])('refuses %s, saying why', (_what, pem, message) => {
    const r = validateCertificate(pem);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.message).toMatch(message);
  });
});
