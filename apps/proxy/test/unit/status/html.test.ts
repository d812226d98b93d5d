import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  CONTENT_SECURITY_POLICY,
  escapeHtml,
  statusMainHtml,
  statusPageHtml,
} from '../../../src/status/html.js';
import { snapshotWith } from './snapshot.js';

/** The markup skeleton: every tag with its attribute names (quoted values removed), in order. */
function skeleton(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<(\/?[A-Za-z!][A-Za-z0-9-]*)([^>]*)>/g)) {
    const attrs = (m[2] ?? '')
      .replace(/"[^"]*"/g, '')
      .split(/[\s=]+/)
      .filter((a) => a.length > 0)
      .sort();
    out.push(`${m[1]}(${attrs.join(' ')})`);
  }
  return out;
}

const HOSTILE = [
  '<script>alert(1)</script>',
  '"onerror="alert(1)',
  "' onmouseover='alert(1)",
  '</td></tr></table><img src=x onerror=alert(1)>',
  '</code><svg onload=alert(1)>',
  '`${alert(1)}`',
  '&lt;script&gt;',
  '<!--',
  ']]><x>',
];

describe('status page renderer', () => {
  it('escapes &, <, >, quotes and backticks', () => {
    expect(escapeHtml('<a href="x" title=\'y\'>&`</a>')).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;',
    );
  });

  it('writes hostile label values as text: no element, attribute or script of theirs reaches the page', () => {
    const benign = statusPageHtml(
      snapshotWith(() => 'x'),
      2000,
      '/v1/docker-flow-proxy',
    );
    for (const bad of HOSTILE) {
      const page = statusPageHtml(
        snapshotWith((f) => `${f}:${bad}`),
        2000,
        '/v1/docker-flow-proxy',
      );
      expect(skeleton(page)).toEqual(skeleton(benign));
      expect(page).toContain(escapeHtml(`route.path:${bad}`));
      expect(page).not.toContain(bad.includes('<') ? bad : '\u0000');
      // exactly one script element: ours, by URL
      expect(page.match(/<script/g)).toEqual(['<script']);
      expect(page).toContain('<script src="/status.js"></script>');
      // no event-handler attribute in any tag (the words may appear as text, which is harmless)
      expect(skeleton(page).join(' ')).not.toMatch(/[( ]on[a-z]+/i);
    }
  });

  it('keeps the same markup whatever the values (property)', () => {
    const benign = skeleton(statusMainHtml(snapshotWith(() => 'x')));
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), (s) => {
        const out = statusMainHtml(snapshotWith(() => s));
        expect(skeleton(out)).toEqual(benign);
        expect(out).not.toMatch(/<script/i);
      }),
      { numRuns: 300 },
    );
  });

  it('shows routes, servers, problems, changes and the cluster with the replicas that differ marked', () => {
    const page = statusMainHtml(snapshotWith((f) => f))
      .replace(/\s+/g, ' ')
      .replace(/> </g, '><');
    expect(page).toContain('<tr class="route" data-service="route.serviceName" data-index="0">');
    expect(page).toContain('<code>route.path</code>');
    expect(page).toContain('<td class="c-auth">on</td>');
    expect(page).toContain('data-addr="server.addr"');
    expect(page).toContain('<span class="sessions" title="current sessions">3</span>');
    expect(page).toContain('+2 idle slots');
    expect(page).toContain('<td class="c-message">problem.message</td>');
    expect(page).toContain('<code>change.requestId</code>');
    expect(page).toContain('<tr class="peer differs" data-address="peer2.address">');
    expect(page).toContain('unreachable: peer2.error');
    expect(page).toContain('1 of 2 differ');
    expect(page).toContain('<span class="watched">3</span> services watched');
    expect(page).toContain(
      '<td class="c-ports"><span title="srcPort">:9000</span> → <span title="port">8080</span><span title="httpsPort">https 8443</span></td>',
    );
  });

  it('gives every table one header row, and an empty one a row across all its columns', () => {
    const empty = { ...snapshotWith((f) => f), routes: [], problems: [], changes: [] };
    const page = statusMainHtml(empty);
    const sections = [...page.matchAll(/<section id="([a-z]+)">([\s\S]*?)<\/section>/g)];
    expect(sections.map((m) => m[1])).toEqual(['cluster', 'routes', 'problems', 'changes']);
    const columns = (section: string): number => section.match(/<th>/g)?.length ?? 0;
    const spans = (section: string): number[] =>
      [...section.matchAll(/colspan="(\d+)"/g)].map((m) => Number(m[1]));
    const by = Object.fromEntries(sections.map((m) => [m[1], m[2] ?? '']));
    expect(by.routes).toContain('no services yet');
    expect(by.problems).toContain('>none<');
    expect(by.changes).toContain('no change since start');
    for (const id of ['routes', 'problems', 'changes']) {
      expect(columns(by[id])).toBeGreaterThan(1);
      expect(spans(by[id])).toEqual([columns(by[id])]);
    }
    // An unreachable replica: its address, then one cell across the other columns.
    expect(spans(by.cluster)).toEqual([columns(by.cluster) - 1]);
    expect(statusMainHtml(snapshotWith((f) => f))).not.toMatch(/class="none">(none|no services yet)</);
  });

  it('allows only its own script and stylesheet', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
  });
});
