import { describe, expect, it, jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, startProxy } from '@flowproxy/testkit';
import { http } from './support.js';

// Real processes on a shared 2-core machine: generous per-test budget, assertions use eventually().
jest.setTimeout(30000);

describe('start-up', () => {
  it('a bad env value stops start-up with a message naming the variable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowproxy-bad-env-'));
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        [join(REPO_ROOT, 'apps', 'proxy', 'dist', 'main.js')],
        {
          env: {
            PATH: process.env.PATH,
            TIMEOUT_CLIENT: 'soon',
            DEFAULT_PORTS: '80:tls',
            CONFIG_DIR: dir,
            RUNTIME_DIR: dir,
            SECRETS_DIR: dir,
            CERTS_DIR: dir,
          },
          timeout: 10000,
        },
        (_err, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
      );
    });
    expect(result.code).toBe(1);
    const line = JSON.parse(result.stderr.trim().split('\n').pop() ?? '{}') as {
      code: string;
      message: string;
    };
    expect(line.code).toBe('ENV_INVALID');
    expect(line.message).toMatch(/TIMEOUT_CLIENT .*soon/);
    expect(line.message).toMatch(/DEFAULT_PORTS/);
  });

  it('starts with no service: the API answers and unmatched requests get 503', async () => {
    const p = await startProxy();
    try {
      expect((await http(`${p.httpUrl}/anything`)).status).toBe(503);
      expect(p.haproxyPid()).toBeGreaterThan(1);
    } finally {
      await p.stop();
    }
  });
});
