import type { ServiceSpec } from '@flowproxy/protocol';

/**
 * Names the parameter most likely behind an HAProxy complaint about `line` of the rendered config:
 * the parameter whose value appears on that line (backendExtra first: raw config is the usual
 * culprit). Falls back to serviceName when nothing matches.
 */
export function blameParam(spec: ServiceSpec, line: string | undefined): string {
  const text = line?.trim() ?? '';
  if (text === '') return spec.backendExtra !== undefined ? 'backendExtra' : 'serviceName';
  const candidates: [string, string | undefined][] = [['backendExtra', spec.backendExtra]];
  for (const d of spec.destinations) {
    const sfx = d.index > 0 ? `.${d.index}` : '';
    for (const p of d.servicePath) candidates.push([`servicePath${sfx}`, p]);
    for (const p of d.servicePathExclude) candidates.push([`servicePathExclude${sfx}`, p]);
    for (const p of d.serviceDomain) candidates.push([`serviceDomain${sfx}`, p.replace(/^\*/, '')]);
    for (const r of d.reqPathSearchReplace)
      candidates.push([`reqPathSearchReplace${sfx}`, r.search], [`reqPathSearchReplace${sfx}`, r.replace]);
    for (const h of d.serviceHeader) candidates.push([`serviceHeader${sfx}`, h.name]);
    for (const u of d.userAgent) candidates.push([`userAgent${sfx}`, u]);
    candidates.push(
      [`outboundHostname${sfx}`, d.outboundHostname],
      [`srcPort${sfx}`, d.srcPort?.toString()],
      [`port${sfx}`, d.port?.toString()],
    );
  }
  for (const h of [...spec.addReqHeader, ...spec.setReqHeader]) candidates.push(['addReqHeader', h.name]);
  for (const h of [...spec.addResHeader, ...spec.setResHeader]) candidates.push(['addResHeader', h.name]);
  for (const [param, value] of candidates) {
    if (value === undefined || value === '') continue;
    const lines = value
      .split(/\n|\\n/)
      .map((l) => l.trim())
      .filter((l) => l.length > 0);
    if (lines.some((l) => text.includes(l) || l.includes(text))) return param;
  }
  return spec.backendExtra !== undefined ? 'backendExtra' : 'serviceName';
}
