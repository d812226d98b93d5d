import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const openssl = (args: string[], cwd: string): void => {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
};

function ca(dir: string, name: string): void {
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      `${name}-key.pem`,
      '-out',
      `${name}.pem`,
    ],
    dir,
  );
}

/** A key and a certificate signed by `caName`, with the given extensions (SAN, key usage). */
function leaf(dir: string, name: string, caName: string, ext: string): void {
  openssl(
    [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      `${name}-key.pem`,
      '-out',
      `${name}.csr`,
    ],
    dir,
  );
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${caName}.pem`,
      '-CAkey',
      `${caName}-key.pem`,
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    ],
    dir,
  );
}

export interface TestPki {
  readonly dir: string;
  /** The CA that signed the daemon's and the good client's certificates. */
  readonly caFile: string;
  readonly serverCert: string;
  readonly serverKey: string;
  /** DOCKER_CERT_PATH directories: a client the daemon trusts, and one from another CA. */
  readonly goodClientDir: string;
  readonly rogueClientDir: string;
}

/** Makes a CA, a server certificate for 127.0.0.1 and two client certificate directories, with openssl. */
export function makePki(dir: string): TestPki {
  ca(dir, 'ca');
  ca(dir, 'rogue-ca');
  leaf(dir, 'server', 'ca', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  leaf(dir, 'client', 'ca', 'extendedKeyUsage=clientAuth\n');
  leaf(dir, 'rogue', 'rogue-ca', 'extendedKeyUsage=clientAuth\n');
  const clientDir = (sub: string, name: string): string => {
    const d = join(dir, sub);
    mkdirSync(d);
    copyFileSync(join(dir, 'ca.pem'), join(d, 'ca.pem'));
    copyFileSync(join(dir, `${name}.pem`), join(d, 'cert.pem'));
    copyFileSync(join(dir, `${name}-key.pem`), join(d, 'key.pem'));
    return d;
  };
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    serverCert: join(dir, 'server.pem'),
    serverKey: join(dir, 'server-key.pem'),
    goodClientDir: clientDir('good', 'client'),
    rogueClientDir: clientDir('rogue-client', 'rogue'),
  };
}

/** A DOCKER_CERT_PATH with the good client certificate but `caName` as the only trusted CA. */
export function makeTrustOnly(pki: TestPki, caName: string): string {
  const d = join(pki.dir, `trust-${caName}`);
  mkdirSync(d);
  copyFileSync(join(pki.dir, caName), join(d, 'ca.pem'));
  copyFileSync(join(pki.goodClientDir, 'cert.pem'), join(d, 'cert.pem'));
  copyFileSync(join(pki.goodClientDir, 'key.pem'), join(d, 'key.pem'));
  return d;
}
