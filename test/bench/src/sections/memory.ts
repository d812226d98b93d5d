import type { StartedProxy } from '@flowproxy/testkit';
import type { Section } from '../report.js';
import { children, rssMb } from '../proc.js';

function haproxyRss(proxy: StartedProxy): number {
  const master = proxy.haproxyPid();
  if (!master) return NaN;
  return rssMb(master) + children(master).reduce((a, p) => a + rssMb(p), 0);
}

/** 7. Memory: RSS of the control plane and of HAProxy (master + workers), idle and at 1,000 services. */
export function memory(
  idle: StartedProxy,
  big: StartedProxy,
  listener: { idleMb: number; loadedMb: number; services: number; passCpu: number } | undefined,
  largest?: { proxy: StartedProxy; services: number },
): Section {
  const figures: Section['figures'] = [
    { name: 'proxy control plane RSS, idle (MB)', value: rssMb(idle.process.pid).toFixed(1) },
    {
      name: 'proxy control plane RSS at 1,000 path + 1,000 domain services (MB)',
      value: rssMb(big.process.pid).toFixed(1),
      target: '< 80',
      pass: rssMb(big.process.pid) < 80,
    },
    { name: 'HAProxy master + workers RSS, idle (MB)', value: haproxyRss(idle).toFixed(1) },
    { name: 'HAProxy master + workers RSS at 2,000 services (MB)', value: haproxyRss(big).toFixed(1) },
  ];
  if (largest) {
    const at = largest.services.toLocaleString('en-US');
    const mb = rssMb(largest.proxy.process.pid);
    figures.push(
      {
        name: `proxy control plane RSS at ${at} services (MB)`,
        value: mb.toFixed(1),
        target: '< 150',
        pass: mb < 150,
      },
      {
        name: `HAProxy master + workers RSS at ${at} services (MB)`,
        value: haproxyRss(largest.proxy).toFixed(1),
      },
    );
  }
  if (listener) {
    figures.push({ name: 'listener RSS, idle (MB)', value: listener.idleMb.toFixed(1) });
    figures.push({
      name: `listener RSS watching ${listener.services} labelled services (MB)`,
      value: listener.loadedMb.toFixed(1),
      target: '< 60',
      pass: listener.loadedMb < 60,
    });
    figures.push({
      name: `listener CPU per reconcile pass watching ${listener.services} services, real Swarm (s; 3 passes, 5 s apart)`,
      value: listener.passCpu.toFixed(2),
    });
  }
  return {
    id: 'memory',
    title: '7. Memory',
    method:
      'VmRSS from /proc of each process after the other sections ran (so after real work, not just after start).',
    figures,
    ...(listener
      ? {}
      : { notes: ['listener not measured in this run (no Docker engine, or --no-docker): see 7c'] }),
  };
}

/** 7 (listener part, run alone): the listener in the real Swarm. */
export function listenerSwarm(listener: {
  idleMb: number;
  loadedMb: number;
  services: number;
  passCpu: number;
}): Section {
  return {
    id: 'listenerSwarm',
    title: '7c. Listener in the real Swarm',
    method: `The listener process (dist/main.js) watching ${listener.services} labelled services created in the real Swarm with 0 replicas (so the machine is not flooded with containers); VmRSS from /proc; reconcile every 5 s, CPU of 3 passes.`,
    figures: [
      { name: 'listener RSS, idle (MB)', value: listener.idleMb.toFixed(1) },
      {
        name: `listener RSS watching ${listener.services} labelled services (MB)`,
        value: listener.loadedMb.toFixed(1),
      },
      {
        name: `listener CPU per reconcile pass watching ${listener.services} services (s)`,
        value: listener.passCpu.toFixed(2),
      },
    ],
  };
}
