import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkConfig, HAPROXY_BIN } from '@flowproxy/testkit';
import { renderConfig } from '../../src/config/render.js';
import type { RenderInput } from '../../src/config/settings.js';
import fc from 'fast-check';
import { parseServiceSpec } from '@flowproxy/protocol';
import { baseSettings, caseNames, loadCase } from '../golden/golden.js';
import { specArb } from '../unit/config/arbitraries.js';

/**
 * Every golden config must be one HAProxy 2.6 accepts, without warnings. The case is re-rendered
 * with its directories moved under a temp dir and its certificates replaced by a generated one
 * (same structure, real files); resolvers point at 127.0.0.1:1 so nothing leaves the machine.
 */
let root: string;
let cert: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'flowproxy-golden-'));
  const key = join(root, 'key.pem');
  const crt = join(root, 'crt.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      crt,
      '-days',
      '2',
      '-subj',
      '/CN=example.com',
    ],
    { stdio: 'pipe' },
  );
  cert = join(root, 'example.com.pem');
  execFileSync('sh', ['-c', `cat "${crt}" "${key}" > "${cert}"`]);
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function materialize(name: string, input: RenderInput): string {
  const dir = join(root, name);
  const configDir = join(dir, 'cfg');
  const runtimeDir = join(dir, 'run');
  mkdirSync(configDir, { recursive: true });
  mkdirSync(runtimeDir, { recursive: true });
  const settings = { ...input.settings, configDir, runtimeDir, certs: input.settings.certs.map(() => cert) };
  const out = renderConfig({ ...input, settings });
  writeFileSync(join(configDir, 'haproxy.cfg'), out.haproxyCfg);
  for (const [file, content] of Object.entries(out.files)) writeFileSync(join(configDir, file), content);
  // The runtime dumps `show servers state` here before each reload; an empty file is a valid start.
  writeFileSync(join(runtimeDir, 'server-state'), '');
  return join(configDir, 'haproxy.cfg');
}

describe('golden configs pass haproxy -c', () => {
  for (const name of caseNames()) {
    it(name, () => {
      const file = materialize(name, loadCase(name).input);
      const check = checkConfig(file);
      expect(check).toEqual({ ok: true });
      const out = execFileSync(HAPROXY_BIN, ['-c', '-f', file], { stdio: 'pipe' });
      const warnings = out
        .toString()
        .split('\n')
        .filter((l) => l.includes('[WARNING]'));
      expect(warnings).toEqual([]);
    });
  }
});

describe('any accepted spec renders a config haproxy -c accepts (property)', () => {
  it('holds for random specs', () => {
    const failures: string[] = [];
    let n = 0;
    fc.assert(
      fc.property(specArb, (params) => {
        const parsed = parseServiceSpec(params, { allowRawConfig: false });
        if (!parsed.ok) return;
        const spec = parsed.spec;
        const input: RenderInput = {
          settings: { ...baseSettings(), certs: ['x'] },
          services: [{ spec, users: spec.users.filter((u) => u.password), usersPassEncrypted: false }],
        };
        const file = materialize(`prop-${n++}`, input);
        const check = checkConfig(file);
        if (!check.ok) failures.push(`${JSON.stringify(params)}\n${check.output}`);
      }),
      { numRuns: 100, seed: 1 },
    );
    expect(failures).toEqual([]);
  });
});
