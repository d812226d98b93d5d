/**
 * The page's script and stylesheet, served as files of their own (`/status.js`, `/status.css`) so
 * the Content-Security-Policy allows no inline code. The script only re-fetches the server-rendered
 * main part (already escaped) and swaps it in: one renderer, on the server, for both.
 */
export const STATUS_SCRIPT = `'use strict';
(function () {
  var main = document.getElementById('status');
  var live = document.getElementById('live');
  if (!main || !live) return;
  var every = Number(main.getAttribute('data-refresh-ms')) || 2000;
  var src = main.getAttribute('data-src');
  var parser = new DOMParser();
  function mark(ok, why) {
    live.className = ok ? 'live' : 'live stale';
    live.textContent = ok ? 'live' : 'stale: ' + why;
  }
  function tick() {
    fetch(src, { credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) {
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.text();
      })
      .then(function (text) {
        var doc = parser.parseFromString('<main>' + text + '</main>', 'text/html');
        var fresh = doc.querySelector('main');
        if (fresh) main.replaceChildren.apply(main, Array.prototype.slice.call(fresh.childNodes));
        mark(true);
      })
      .catch(function (e) {
        mark(false, e && e.message ? e.message : 'refresh failed');
      })
      .then(function () {
        setTimeout(tick, every);
      });
  }
  setTimeout(tick, every);
})();
`;

export const STATUS_CSS = `:root{color-scheme:light dark;--ok:#1a7f37;--bad:#cf222e;--mute:#6e7781;--line:#d0d7de}
body{font:14px/1.4 system-ui,sans-serif;margin:0 1.5rem 2rem}
header{display:flex;align-items:center;gap:1rem}
h1{font-size:1.4rem;margin:.8rem 0}
h2{font-size:1.1rem;margin:1.4rem 0 .4rem}
h2 small{color:var(--mute);font-weight:normal}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid var(--line);padding:.25rem .5rem;text-align:left;vertical-align:top}
th{font-weight:600}
code{font:12px ui-monospace,monospace}
.up{color:var(--ok)}.down,.failed .c-outcome{color:var(--bad)}.none,.idle{color:var(--mute)}
.servers{list-style:none;margin:0;padding:0}
.server.down code{text-decoration:line-through}
.sessions{color:var(--mute)}
.badge{font-size:.8rem;border:1px solid currentColor;border-radius:.6rem;padding:0 .5rem}
tr.differs{background:rgba(207,34,46,.12)}
.mark{color:var(--bad)}
tr.self .c-address{font-weight:600}
.alert{color:var(--bad)}
.live{font-size:.8rem;color:var(--ok)}.live.stale{color:var(--bad)}
.problem.warning .c-kind{color:#9a6700}.problem.rejected .c-kind{color:var(--bad)}
`;
