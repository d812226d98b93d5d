import { describe, expect, it, jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, REPO_ROOT, startProxy } from '@flowproxy/testkit';
import { http, startBackend } from './support.js';

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

  it('applies services defined by DFP_SERVICE_* at start and warns about upstream variables it does not use', async () => {
    const [port] = (await freePorts(1)) as [number];
    const backend = await startBackend('env', '127.0.0.9', port);
    const p = await startProxy({
      env: {
        DFP_SERVICE_SERVICE_NAME: 'envsvc',
        DFP_SERVICE_SERVICE_PATH: '/env',
        DFP_SERVICE_PORT: String(port),
        DFP_SERVICE_OUTBOUND_HOSTNAME: '127.0.0.9',
        DFP_SERVICE_1_SERVICE_NAME: 'envsvc1',
        DFP_SERVICE_1_SERVICE_PATH_1: '/env1',
        DFP_SERVICE_1_PORT_1: String(port),
        DFP_SERVICE_1_OUTBOUND_HOSTNAME_1: '127.0.0.9',
        CHECK_RESOLVERS: 'true',
      },
    });
    try {
      expect((await http(`${p.httpUrl}/env/x`)).body).toBe('env GET /env/x');
      expect((await http(`${p.httpUrl}/env1/x`)).body).toBe('env GET /env1/x');
      expect(p.log()).toMatch(/CHECK_RESOLVERS is set but not used/);
    } finally {
      await p.stop();
      await backend.close();
    }
  });
});
