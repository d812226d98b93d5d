import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseServiceSpec, type ServiceSpec } from '@flowproxy/protocol';
import { createLogger } from '@flowproxy/runtime';
import type { RenderedConfig } from '../../src/config/settings.js';
import { createMetrics } from '../../src/metrics.js';
import { ReloadPipeline, type PipelineDeps } from '../../src/reload/pipeline.js';
import type { Services } from '../../src/state/routing-state.js';

// The reload pipeline with a fake renderer, checker and HAProxy (files in a temp dir): batching,
// bisection, no-op detection and roll-back, counted exactly.
const spec = (q: string): ServiceSpec => {
  const r = parseServiceSpec(q, { allowRawConfig: true });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.spec;
};

function fakeRender(services: Services, place: { configDir: string }): RenderedConfig {
  const lines = [...services.values()].map(
    (s) => `backend ${s.serviceName}${s.backendExtra ? `\n  ${s.backendExtra}` : ''}`,
  );
  return {
    haproxyCfg: `# ${place.configDir.includes('check-') ? 'scratch' : 'live'}\n${lines.join('\n')}\n`,
    files: { 'paths.map': [...services.keys()].join('\n') },
  };
}

function setup(over: Partial<PipelineDeps> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'flowproxy-pipeline-'));
  const calls = { check: 0, reload: 0, persist: 0 };
  const deps: PipelineDeps = {
    configDir: join(dir, 'cfg'),
    certsDir: join(dir, 'certs'),
    scratchDir: join(dir, 'scratch'),
    render: fakeRender,
    check: async (file) => {
      calls.check += 1;
      const text = readFileSync(file, 'utf8');
      const bad = /^\s+bogus.*$/m.exec(text);
      return bad
        ? {
            ok: false,
            output: `[ALERT]    (1) : config : parsing [${file}:${text.split('\n').indexOf(bad[0]) + 1}] : unknown keyword 'bogus'`,
          }
        : { ok: true };
    },
    reload: async () => {
      calls.reload += 1;
    },
    listCerts: () => [],
    persist: () => {
      calls.persist += 1;
    },
    delayMs: 20,
    logger: createLogger('test', { silent: true }),
    metrics: createMetrics(),
    ...over,
  };
  return { p: new ReloadPipeline(deps), calls, deps };
}

describe('reload pipeline', () => {
  it('coalesces a burst into one validation and one reload; every caller learns the outcome', async () => {
    const { p, calls, deps } = setup();
    await p.prepare([]);
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        p.submit({ kind: 'upsert', spec: spec(`serviceName=s${i}&servicePath=/s${i}&port=1`) }),
      ),
    );
    expect(outcomes.every((o) => o.ok && o.reloaded)).toBe(true);
    expect(calls).toMatchObject({ check: 1, reload: 1 });
    expect(p.services.size).toBe(30);
    expect(p.version).toBe(1);
    expect(readFileSync(join(deps.configDir, 'haproxy.cfg'), 'utf8')).toContain('backend s29');
  });

  it('does not validate or reload when the rendered bytes do not change', async () => {
    const { p, calls } = setup();
    await p.prepare([spec('serviceName=a&servicePath=/a&port=1')]);
    const checks = calls.check;
    const o = await p.submit({
      kind: 'upsert',
      spec: spec('serviceName=a&servicePath=/a&port=1&distribute=true'),
    });
    expect(o).toMatchObject({ ok: true, reloaded: false });
    expect(calls.check).toBe(checks);
    expect(calls.reload).toBe(0);
  });

  it('bisects a failing batch: only the bad change is rejected, with the line blamed on its parameter', async () => {
    const { p, calls } = setup();
    await p.prepare([]);
    const changes = Array.from({ length: 8 }, (_, i) =>
      p.submit({ kind: 'upsert', spec: spec(`serviceName=ok${i}&servicePath=/ok${i}&port=1`) }),
    );
    const bad = p.submit({
      kind: 'upsert',
      spec: spec('serviceName=bad&servicePath=/bad&port=1&backendExtra=bogus%20thing'),
    });
    const results = await Promise.all([...changes, bad]);
    expect(results.slice(0, 8).every((o) => o.ok)).toBe(true);
    const last = results[8];
    expect(last).toMatchObject({ ok: false, code: 'HAPROXY_REJECTED' });
    if (last && !last.ok) {
      expect(last.errors[0]?.param).toBe('backendExtra');
      expect(last.message).toMatch(/unknown keyword 'bogus'/);
      expect(last.message).not.toMatch(/check-/); // no scratch paths
    }
    expect(p.services.has('bad')).toBe(false);
    expect(p.rejected.get('bad')?.code).toBe('HAPROXY_REJECTED');
    expect(calls.reload).toBe(1);
    expect(calls.check).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(9)) + 1);
  });

  it('restores the last good files when the reload fails, and answers 500', async () => {
    let fail = false;
    const { p, deps, calls } = setup({
      reload: async () => {
        calls.reload += 1;
        if (fail) {
          fail = false;
          throw new Error('worker refused');
        }
      },
    });
    await p.prepare([spec('serviceName=a&servicePath=/a&port=1')]);
    const good = readFileSync(join(deps.configDir, 'haproxy.cfg'), 'utf8');
    fail = true;
    const o = await p.submit({ kind: 'upsert', spec: spec('serviceName=b&servicePath=/b&port=1') });
    expect(o).toMatchObject({ ok: false, code: 'RELOAD_FAILED' });
    expect(readFileSync(join(deps.configDir, 'haproxy.cfg'), 'utf8')).toBe(good);
    expect(calls.reload).toBe(2); // the failed one and the restore
    expect([...p.services.keys()]).toEqual(['a']);
  });

  it('at scale, checks a batch alone; a reload refused after that is retried with whole checks', async () => {
    // HAProxy's stand-in refuses a config that holds two `clash` lines: each service alone passes.
    const clashes = (text: string): number => text.split('\n').filter((l) => l.trim() === 'clash').length;
    const checked: string[] = [];
    const { p, deps, calls } = setup({
      partialCheckFrom: 2,
      check: async (file) => {
        calls.check += 1;
        const text = readFileSync(file, 'utf8');
        checked.push(text);
        return clashes(text) > 1 ? { ok: false, output: 'clash' } : { ok: true };
      },
      reload: async () => {
        calls.reload += 1;
        if (clashes(readFileSync(join(deps.configDir, 'haproxy.cfg'), 'utf8')) > 1)
          throw new Error('refused');
      },
    });
    await p.prepare(
      ['a', 'b', 'x'].map((n) =>
        spec(`serviceName=${n}&servicePath=/${n}&port=1${n === 'x' ? '&backendExtra=clash' : ''}`),
      ),
    );
    checked.length = 0;
    const ok = await p.submit({ kind: 'upsert', spec: spec('serviceName=c&servicePath=/c&port=1') });
    expect(ok).toMatchObject({ ok: true, reloaded: true });
    expect(checked).toEqual([expect.stringContaining('backend c')]);
    expect(checked[0]).not.toContain('backend a');

    const reloads = calls.reload;
    const bad = await p.submit({
      kind: 'upsert',
      spec: spec('serviceName=y&servicePath=/y&port=1&backendExtra=clash'),
    });
    // Passed alone, refused by the reload (and rolled back), then refused by the whole check: 400.
    expect(bad).toMatchObject({ ok: false, code: 'HAPROXY_REJECTED' });
    expect(calls.reload).toBe(reloads + 2);
    expect([...p.services.keys()].sort()).toEqual(['a', 'b', 'c', 'x']);
    expect(clashes(readFileSync(join(deps.configDir, 'haproxy.cfg'), 'utf8'))).toBe(1);
  });

  it('drops persisted services that no longer validate at start-up', async () => {
    const { p } = setup();
    const dropped = await p.prepare([
      spec('serviceName=a&servicePath=/a&port=1'),
      spec('serviceName=b&servicePath=/b&port=1&backendExtra=bogus'),
    ]);
    expect(dropped.map((d) => d.name)).toEqual(['b']);
    expect([...p.services.keys()]).toEqual(['a']);
  });
});
