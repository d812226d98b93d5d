import type {
  ChangeEntry,
  ClusterView,
  NodeView,
  PeerView,
  ProblemView,
  RouteView,
  ServerView,
  StatusSnapshot,
} from './types.js';

/**
 * The status page, rendered on the server. Label values are written by whoever can create a
 * service, so every interpolated value goes through `html```, which escapes it unless it is
 * markup this module built itself (`Safe`). Values only ever land in element text or in
 * double-quoted attributes, never in URLs, styles or scripts.
 */

class Safe {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);
}

type Part = Safe | string | number | boolean | undefined | null | readonly Part[];

function piece(p: Part): string {
  if (p === undefined || p === null || p === false) return '';
  if (p instanceof Safe) return p.value;
  if (Array.isArray(p)) return (p as readonly Part[]).map(piece).join('');
  return escapeHtml(p);
}

function html(strings: TemplateStringsArray, ...parts: Part[]): Safe {
  let out = strings[0] ?? '';
  parts.forEach((p, i) => {
    out += piece(p) + (strings[i + 1] ?? '');
  });
  return new Safe(out);
}

const time = (iso: string | undefined): Safe =>
  iso ? html`<time datetime="${iso}">${iso.replace('T', ' ').replace(/\.[0-9]+Z$/, 'Z')}</time>` : html`—`;

const list = (items: readonly string[]): Safe =>
  items.length === 0
    ? html`<span class="none">—</span>`
    : html`${items.map((i) => html`<code>${i}</code> `)}`;

const shortHash = (h: string): string => h.slice(0, 12);

const readiness = (n: NodeView): string =>
  !n.ready ? 'not ready' : n.inSync === false ? 'ready, out of sync with the listener' : 'ready';

/**
 * A table with one header row and `rows`; with no rows and an `empty` text, one row saying it
 * across every column.
 */
function table(headers: readonly string[], rows: readonly Safe[], empty?: string): Safe {
  const body =
    rows.length === 0 && empty !== undefined
      ? html`<tr>
          <td colspan="${headers.length}" class="none">${empty}</td>
        </tr>`
      : rows;
  return html`<table>
    <thead>
      <tr>
        ${headers.map((h) => html`<th>${h}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${body}
    </tbody>
  </table>`;
}

const ROUTE_COLUMNS = [
  'Service',
  'Mode',
  'Paths',
  'Domains',
  'Ports',
  'Auth',
  'Servers (address, state, sessions)',
] as const;
const PROBLEM_COLUMNS = ['Service', 'Kind', 'Code', 'Parameter', 'Reason', 'Since'] as const;
const CHANGE_COLUMNS = [
  'Time',
  'Operation',
  'Service',
  'Outcome',
  'Request id',
  'State version',
  'Message',
] as const;
const PEER_COLUMNS = [
  'Replica',
  'Host',
  'Readiness',
  'State',
  'Version',
  'Services',
  'Listener sync',
] as const;

function server(s: ServerView): Safe {
  return html`<li class="server ${s.up ? 'up' : 'down'}" data-addr="${s.addr}">
    <code>${s.addr}</code> <span class="state">${s.status}</span>
    <span class="sessions" title="current sessions">${s.sessions}</span>
  </li>`;
}

function ports(r: RouteView): Safe {
  const parts: Safe[] = [];
  if (r.srcPort !== undefined) parts.push(html`<span title="srcPort">:${r.srcPort}</span> → `);
  if (r.port !== undefined) parts.push(html`<span title="port">${r.port}</span>`);
  if (r.httpsPort !== undefined) parts.push(html` <span title="httpsPort">https ${r.httpsPort}</span>`);
  return parts.length > 0 ? html`${parts}` : html`—`;
}

function routeRow(r: RouteView, haproxyKnown: boolean): Safe {
  const servers =
    r.servers.length > 0
      ? html`<ul class="servers">
          ${r.servers.map(server)}
        </ul>`
      : html`<span class="${haproxyKnown ? 'down' : 'none'}"
          >${haproxyKnown ? 'no server' : 'unknown'}</span
        >`;
  const idle = r.idleSlots > 0 ? html` <span class="idle">+${r.idleSlots} idle slots</span>` : html``;
  return html`<tr class="route" data-service="${r.serviceName}" data-index="${r.index}">
    <td class="c-service">${r.serviceName}${r.index > 0 ? html` <small>.${r.index}</small>` : ''}</td>
    <td class="c-mode">${r.mode}</td>
    <td class="c-paths">${list(r.paths)}</td>
    <td class="c-domains">${list(r.domains)}</td>
    <td class="c-ports">${ports(r)}</td>
    <td class="c-auth">${r.auth ? 'on' : 'off'}</td>
    <td class="c-servers">${servers}${idle}</td>
  </tr>`;
}

function routesSection(s: StatusSnapshot): Safe {
  const warn = s.haproxyError
    ? html`<p class="alert">HAProxy's runtime API did not answer: ${s.haproxyError}</p>`
    : '';
  const rows = s.routes.map((r) => routeRow(r, s.haproxyError === undefined));
  return html`<section id="routes">
    <h2>Routes <small>${s.routes.length}</small></h2>
    ${warn} ${table(ROUTE_COLUMNS, rows, 'no services yet')}
  </section>`;
}

function problemRow(p: ProblemView): Safe {
  return html`<tr class="problem ${p.kind}" data-service="${p.serviceName}">
    <td class="c-service">${p.serviceName}</td>
    <td class="c-kind">${p.kind}</td>
    <td class="c-code">${p.code}</td>
    <td class="c-param"><code>${p.param || '—'}</code></td>
    <td class="c-message">${p.message}</td>
    <td>${time(p.at)}</td>
  </tr>`;
}

function problemsSection(s: StatusSnapshot): Safe {
  return html`<section id="problems">
    <h2>Rejected and warned services <small>${s.problems.length}</small></h2>
    ${table(PROBLEM_COLUMNS, s.problems.map(problemRow), 'none')}
  </section>`;
}

function changeRow(c: ChangeEntry): Safe {
  const ok = c.status >= 200 && c.status < 300;
  return html`<tr class="change ${ok ? 'ok' : 'failed'}">
    <td>${time(c.at)}</td>
    <td class="c-op">${c.op}</td>
    <td class="c-service">${c.serviceName ?? '—'}</td>
    <td class="c-outcome">${c.outcome} <small>${c.status}</small></td>
    <td class="c-request"><code>${c.requestId ?? '—'}</code></td>
    <td class="c-version">${c.version}</td>
    <td class="c-message">${c.message ?? ''}</td>
  </tr>`;
}

function changesSection(s: StatusSnapshot): Safe {
  return html`<section id="changes">
    <h2>Last changes</h2>
    ${table(CHANGE_COLUMNS, s.changes.map(changeRow), 'no change since start')}
  </section>`;
}

function peerRow(p: PeerView): Safe {
  const n = p.node;
  const classes = ['peer', p.differs ? 'differs' : 'same', p.self ? 'self' : ''].join(' ').trim();
  if (!n)
    return html`<tr class="${classes}" data-address="${p.address}">
      <td class="c-address">${p.address}</td>
      <td colspan="${PEER_COLUMNS.length - 1}" class="down">unreachable: ${p.error ?? 'no answer'}</td>
    </tr>`;
  const l = n.listener;
  return html`<tr class="${classes}" data-address="${p.address}" data-hash="${n.hash}">
    <td class="c-address">${p.address}${p.self ? html` <small>(this one)</small>` : ''}</td>
    <td class="c-host">${n.hostname}</td>
    <td class="c-ready ${n.ready && n.inSync !== false ? 'up' : 'down'}">${readiness(n)}</td>
    <td class="c-state">
      <span class="c-version">v${n.stateVersion}</span>
      <code class="c-hash" title="${n.hash}">${shortHash(n.hash)}</code
      >${p.differs ? html` <strong class="mark">differs</strong>` : ''}
    </td>
    <td class="c-app">${n.appVersion}</td>
    <td class="c-services">
      ${n.services}${n.rejected > 0 ? html` <span class="down">(${n.rejected} rejected)</span>` : ''}
    </td>
    <td class="c-sync">${l ? html`${time(l.lastSyncAt)} ${l.outcome ?? ''}` : '—'}</td>
  </tr>`;
}

function listenerLine(n: NodeView): Safe {
  const l = n.listener;
  if (!l)
    return html`<p class="listener none">No LISTENER_ADDRESS: this proxy receives notifications only.</p>`;
  return html`<p class="listener">
    Listener <code>${l.address}</code>: last sync ${time(l.lastSyncAt)}
    <span class="${l.outcome === 'ok' ? 'up' : 'down'}">${l.outcome ?? 'not yet'}</span>,
    <span class="watched">${l.servicesWatched ?? '—'}</span> services
    watched${l.error ? html`, last error: ${l.error}` : ''}
  </p>`;
}

function clusterSection(c: ClusterView, node: NodeView): Safe {
  const differing = c.peers.filter((p) => p.differs).length;
  const badge = c.consistent
    ? html`<span class="badge up">all ${c.peers.length} in sync</span>`
    : html`<span class="badge down">${differing} of ${c.peers.length} differ</span>`;
  return html`<section id="cluster">
    <h2>
      Cluster <small><code>tasks.${c.serviceName}</code></small> ${badge}
    </h2>
    ${c.error ? html`<p class="alert">${c.error}</p>` : ''} ${table(PEER_COLUMNS, c.peers.map(peerRow))}
    ${listenerLine(node)}
  </section>`;
}

/** The part of the page the script refreshes (`status?type=html`). */
export function statusMainHtml(s: StatusSnapshot): string {
  const n = s.node;
  return html`<p id="summary" data-generated="${s.generatedAt}">
      <span class="${n.ready && n.inSync !== false ? 'up' : 'down'}">${readiness(n)}</span> · state
      v${n.stateVersion} <code title="${n.hash}">${shortHash(n.hash)}</code> · ${n.services} services ·
      version ${n.appVersion} · ${n.hostname} · updated ${time(s.generatedAt)}
    </p>
    ${clusterSection(s.cluster, n)}${routesSection(s)}${problemsSection(s)}${changesSection(s)}`.value;
}

/** The whole page: no inline script or style, so the CSP can forbid both. */
export function statusPageHtml(s: StatusSnapshot, refreshMs: number, apiPrefix: string): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>flowproxy status</title>
        <link rel="stylesheet" href="/status.css" />
      </head>
      <body>
        <header>
          <h1>flowproxy</h1>
          <span id="live" class="live">live</span>
        </header>
        <main id="status" data-refresh-ms="${refreshMs}" data-src="${apiPrefix}/status?type=html">
          ${new Safe(statusMainHtml(s))}
        </main>
        <script src="/status.js"></script>
      </body>
    </html> `.value;
}

/** Sent with the page and its fragment: only our own script and stylesheet, no inline code at all. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
