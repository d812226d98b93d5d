import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@flowproxy/testkit';
import { createMetrics as proxyMetrics } from '@flowproxy/proxy/dist/metrics.js';
import { createMetrics as listenerMetrics } from '@flowproxy/swarm-listener/dist/metrics.js';

const run = promisify(execFile);
const ALERTS = join(REPO_ROOT, 'docs', 'monitoring', 'alerts.yml');
const DASHBOARD = join(REPO_ROOT, 'docs', 'monitoring', 'dashboard.json');

/** Every series name the apps can export: histograms add _bucket, _sum and _count. */
async function exportedNames(): Promise<Set<string>> {
  const out = new Set<string>();
  for (const registry of [proxyMetrics().registry, listenerMetrics({ defaults: true }).registry]) {
    for (const m of await registry.getMetricsAsJSON()) {
      out.add(m.name);
      if (String(m.type) === 'histogram' || String(m.type) === 'summary')
        for (const s of ['_bucket', '_sum', '_count']) out.add(`${m.name}${s}`);
    }
  }
  return out;
}

const METRIC = /\b(?:flowproxy|swarm_listener|haproxy)_[a-z0-9_]+/g;

interface Panel {
  type: string;
  title: string;
  targets?: { expr: string }[];
}

describe('monitoring files', () => {
  it('the alert rules pass promtool check rules', async () => {
    const { stdout } = await run('promtool', ['check', 'rules', ALERTS]);
    expect(stdout).toMatch(/SUCCESS: [0-9]+ rules found/);
  });

  it('the alert rules cover what docs/OPERATIONS.md says to alert on, with metrics the apps export', async () => {
    const text = readFileSync(ALERTS, 'utf8');
    for (const alert of [
      'FlowproxyReplicasDisagree',
      'FlowproxyRejectedServices',
      'FlowproxyReloadFailed',
      'SwarmListenerNotificationsFailing',
      'SwarmListenerEventStreamReconnectLoop',
    ])
      expect(text).toContain(`alert: ${alert}`);
    const names = await exportedNames();
    for (const m of text.match(METRIC) ?? []) expect([m, names.has(m)]).toEqual([m, true]);
    const ops = readFileSync(join(REPO_ROOT, 'docs', 'OPERATIONS.md'), 'utf8');
    for (const alert of text.match(/(?<=alert: )\w+/g) ?? []) expect(ops).toContain(alert);
  });

  it('the Grafana dashboard parses and every metric it queries exists (or is HAProxy exporter series)', async () => {
    const dash = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { title: string; panels: Panel[] };
    expect(dash.title).toBe('flowproxy');
    const queries = dash.panels.filter((p) => p.type !== 'row');
    expect(queries.length).toBeGreaterThan(10);
    const names = await exportedNames();
    const seen = new Set<string>();
    for (const p of queries) {
      expect([p.title, (p.targets ?? []).length > 0]).toEqual([p.title, true]);
      for (const t of p.targets ?? [])
        for (const m of t.expr.match(METRIC) ?? []) {
          seen.add(m);
          if (!m.startsWith('haproxy_')) expect([p.title, m, names.has(m)]).toEqual([p.title, m, true]);
        }
    }
    // all three sources are on the dashboard
    for (const prefix of ['flowproxy_', 'swarm_listener_', 'haproxy_'])
      expect([prefix, [...seen].some((m) => m.startsWith(prefix))]).toEqual([prefix, true]);
  });
});
