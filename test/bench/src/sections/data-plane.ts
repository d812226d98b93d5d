import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startProcess, eventually } from '@flowproxy/testkit';
import type { Section } from '../report.js';
import { reconfigure, until200 } from '../proxy-api.js';
import type { Backend } from '../setup.js';
import type { StartedProxy } from '@flowproxy/testkit';
import { dist, fmt, fmtDist, medianBand, quantile } from '../stats.js';
import { wrk } from '../wrk.js';

const TARGET = 0.95;

/**
 * 1. Data-plane overhead: ours (HAProxy driven by the control plane) vs the same generated config
 * run by hand in a bare HAProxy vs the backend directly, interleaved round by round.
 */
export async function dataPlane(
  proxy: StartedProxy,
  backend: Backend,
  o: { rounds: number; seconds: number },
): Promise<Section> {
  if (
    (await reconfigure(proxy.apiUrl, {
      serviceName: 'dp',
      servicePath: '/dp',
      port: String(backend.port),
      outboundHostname: '127.0.0.1',
      replicas: '1',
    })) !== 200
  ) {
    throw new Error('data-plane: reconfigure failed');
  }
  await until200(`${proxy.httpUrl}/dp/x`);
  // The bare HAProxy gets the very same haproxy.cfg, only its bind port and sockets moved.
  const barePort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'flowproxy-bare-'));
  const cfg = readFileSync(join(proxy.dirs.config, 'haproxy.cfg'), 'utf8')
    .replaceAll(proxy.dirs.runtime, dir)
    .replace(new RegExp(`bind (\\S*):${proxy.httpPort}\\b`, 'g'), `bind $1:${barePort}`);
  writeFileSync(join(dir, 'haproxy.cfg'), cfg);
  const bare = startProcess('haproxy', ['-W', '-db', '-f', join(dir, 'haproxy.cfg')], {
    logFile: join(dir, 'haproxy.log'),
  });
  await eventually(async () => {
    if ((await fetch(`http://127.0.0.1:${barePort}/dp/x`)).status !== 200) throw new Error('bare not ready');
  });
  const targets = {
    ours: `${proxy.httpUrl}/dp/x`,
    bare: `http://127.0.0.1:${barePort}/dp/x`,
    direct: backend.url,
  } as const;
  const figures: Section['figures'] = [];
  try {
    for (const c of [1, 64, 256]) {
      const rps: Record<keyof typeof targets, number[]> = { ours: [], bare: [], direct: [] };
      const p99: Record<keyof typeof targets, number[]> = { ours: [], bare: [], direct: [] };
      const p50: Record<keyof typeof targets, number[]> = { ours: [], bare: [], direct: [] };
      const measure = async (t: keyof typeof targets): Promise<void> => {
        const w = await wrk(targets[t], { connections: c, seconds: o.seconds });
        rps[t].push(w.rps);
        p50[t].push(w.p50ms);
        p99[t].push(w.p99ms);
      };
      // Pairs back to back, A-B then B-A: the machine's load drifts over seconds, and a ratio of
      // two runs a few seconds apart cancels most of it; the direct figure is only informative.
      for (let r = 0; r < o.rounds; r++) {
        for (const t of r % 2 === 0 ? (['ours', 'bare'] as const) : (['bare', 'ours'] as const))
          await measure(t);
        if (r % 4 === 0) await measure('direct');
      }
      const ratios = rps.ours.map((v, i) => v / (rps.bare[i] ?? NaN));
      const ratio = dist(ratios);
      const band = medianBand(ratios);
      figures.push({ name: `c=${c} ours rps`, value: fmtDist(dist(rps.ours), '', 0), raw: rps.ours });
      figures.push({ name: `c=${c} bare HAProxy rps`, value: fmtDist(dist(rps.bare), '', 0), raw: rps.bare });
      figures.push({ name: `c=${c} direct rps`, value: fmtDist(dist(rps.direct), '', 0), raw: rps.direct });
      figures.push({
        name: `c=${c} latency p50/p99 ms (ours; bare; direct)`,
        value: (['ours', 'bare', 'direct'] as const)
          .map((t) => `${fmt(dist(p50[t]).median)}/${fmt(dist(p99[t]).median)}`)
          .join('; '),
      });
      const verdict =
        ratio.median >= TARGET
          ? ''
          : band.high >= TARGET
            ? ', below target but within the noise'
            : ', below target beyond the noise';
      figures.push({
        name: `c=${c} ours / bare throughput (median; ~95 % interval of the median; IQR; min–max of per-pair ratios)`,
        value: `${fmt(ratio.median)}; ${fmt(band.low)}–${fmt(band.high)}; IQR ${fmt(quantile(ratios, 0.25))}–${fmt(quantile(ratios, 0.75))}; ${fmt(ratio.min)}–${fmt(ratio.max)} (n=${ratio.n}${verdict})`,
        target: `>= ${TARGET}`,
        pass: band.high >= TARGET,
        raw: ratios,
      });
    }
  } finally {
    await bare.stop();
  }
  return {
    id: 'dataPlane',
    title: '1. Data-plane overhead',
    method: `wrk -t2 --latency for ${o.seconds} s per run; per connection count ${o.rounds} pairs of runs back to back, ours then bare and bare then ours alternately (direct every fourth pair). Backend: a one-thread HAProxy answering 200 itself. "bare" runs the proxy's own generated haproxy.cfg by hand (only the bind port moved). Verdict against the noise: the ratio is taken within each pair; PASS when the ~95 % confidence interval of the median ratio (order statistics, sign test) reaches ${TARGET}, i.e. the run cannot tell our HAProxy apart from a bare one below the target; MISS only when the whole interval is below it.`,
    figures,
    notes: [
      'The control plane is not in the data path: requests go client -> HAProxy -> backend, so "ours" and "bare" run the same HAProxy config; the ratio shows the cost of nothing but our HAProxy settings (master-worker, maps, health checks).',
    ],
  };
}
