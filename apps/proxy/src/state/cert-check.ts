import { createPrivateKey, X509Certificate } from 'node:crypto';

export type CertCheck =
  | {
      readonly ok: true;
      /** Subject of the leaf (first) certificate, e.g. `CN=example.com`. */
      readonly subject: string;
      /** Expiry of the leaf certificate (ISO 8601). */
      readonly validTo: string;
      readonly expired: boolean;
    }
  | { readonly ok: false; readonly message: string };

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;
const KEY_TYPES = new Set(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY']);
const fail = (message: string): CertCheck => ({ ok: false, message });

/**
 * What HAProxy needs from a `crt` file: a certificate (the first one is the leaf, the rest its
 * chain) and exactly one unencrypted private key that matches the leaf. Checked when a certificate
 * is received, whatever ports are bound: `haproxy -c` loads certificates only when a TLS bind
 * uses them, so a bad file accepted on a proxy without one would stop a later start with TLS.
 */
export function validateCertificate(pem: string): CertCheck {
  const blocks = [...pem.matchAll(BLOCK)].map((m) => ({ type: m[1] ?? '', text: m[0] }));
  if (blocks.length === 0) return fail('no PEM block (-----BEGIN …-----) found');
  const certs = blocks.filter((b) => b.type === 'CERTIFICATE');
  const keys = blocks.filter((b) => KEY_TYPES.has(b.type));
  if (blocks.some((b) => b.type === 'ENCRYPTED PRIVATE KEY'))
    return fail('the private key is encrypted: HAProxy needs it unencrypted');
  if (certs.length === 0) return fail('no CERTIFICATE block found');
  if (keys.length !== 1) return fail(`expected one private key, found ${keys.length}`);
  const leaf = certs[0]?.text ?? '';
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(leaf);
  } catch (e) {
    return fail(`the first certificate cannot be parsed: ${(e as Error).message}`);
  }
  for (const [i, c] of certs.slice(1).entries()) {
    try {
      new X509Certificate(c.text);
    } catch (e) {
      return fail(`chain certificate ${i + 2} cannot be parsed: ${(e as Error).message}`);
    }
  }
  let matches: boolean;
  try {
    matches = cert.checkPrivateKey(createPrivateKey(keys[0]?.text ?? ''));
  } catch (e) {
    return fail(`the private key cannot be parsed: ${(e as Error).message}`);
  }
  if (!matches) return fail('the private key does not belong to the first certificate');
  const validTo = new Date(cert.validTo).toISOString();
  return {
    ok: true,
    subject: cert.subject.replace(/\n/g, ', '),
    validTo,
    expired: Date.parse(validTo) < Date.now(),
  };
}
