import type { Destination, ServiceSpec } from '@flowproxy/protocol';
import { serverSlots } from './backends.js';
import type { BackendModel, Directive, FrontendModel, Line } from './model.js';
import { RESOLVERS } from './names.js';
import type { ProxySettings } from './settings.js';
import { d } from './words.js';

export interface GroupMember {
  readonly spec: ServiceSpec;
  readonly dest: Destination;
}

/** `tcpListen_<group>_<srcPort>`, upstream's name for a TCP group's listen section. */
export const groupName = (group: string, srcPort: number): string => `tcpListen_${group}_${srcPort}`;

const RESOLVE = ['resolvers', RESOLVERS, 'resolve-prefer', 'ipv4'];
const CHECK = ['check', 'inter', '2s', 'fall', '2', 'rise', '1'];

/**
 * One member's servers. Upstream resolved `tasks.<service>` when it wrote the config and named the
 * servers `<group>-<service><port>_<i>`; a `server-template` with that prefix gives the same names
 * and follows the tasks at run time without a reload.
 */
function memberServers(m: GroupMember, group: string, s: ProxySettings): Directive[] {
  const port = m.dest.port as number;
  const prefix = `${group}-${m.spec.serviceName}${port}_`;
  if (m.dest.outboundHostname)
    return [d('server', `${prefix}0`, `${m.dest.outboundHostname}:${port}`, ...RESOLVE, ...CHECK)];
  if (m.spec.discoveryType === 'Overlay')
    return [d('server', `${prefix}0`, `${m.spec.serviceName}:${port}`, ...RESOLVE, ...CHECK)];
  return [
    d(
      'server-template',
      prefix,
      String(serverSlots(m.spec, s)),
      `tasks.${m.spec.serviceName}:${port}`,
      ...RESOLVE,
      ...CHECK,
    ),
  ];
}

/**
 * A TCP group as upstream's `listen tcpListen_<group>_<srcPort>`, written as a frontend and a
 * backend of that name (HAProxy shows a listen section the same way in its statistics): every
 * member's tasks in one balanced pool. Settings that belong to the listen (balanceGroup,
 * clitcpka, timeoutClient) come from the first member that sets them, in upstream order.
 */
export function tcpGroup(
  group: string,
  port: number,
  members: readonly GroupMember[],
  s: ProxySettings,
  warn: (m: string) => void,
): { frontend: FrontendModel; backend: BackendModel } {
  const name = groupName(group, port);
  const balances = [...new Set(members.map((m) => m.dest.balanceGroup).filter((b) => b !== undefined))];
  if (balances.length > 1)
    warn(
      `tcp group ${group} on port ${port} has several balanceGroup values (${balances.join(', ')}); ${balances[0]} is used`,
    );
  const feSettings: Line[] = [d('no', 'option', 'idle-close-on-response')];
  if (s.debug) feSettings.push(d('option', 'tcplog'));
  const timeoutClient = members.find((m) => m.dest.timeoutClient !== undefined)?.dest.timeoutClient;
  if (timeoutClient !== undefined) feSettings.push(d('timeout', 'client', `${timeoutClient}s`));
  if (members.some((m) => m.dest.clitcpka)) feSettings.push(d('option', 'clitcpka'));
  const beSettings: Line[] = [d('mode', 'tcp'), d('balance', balances[0] ?? 'roundrobin')];
  if (members.some((m) => m.dest.checkTcp)) beSettings.push(d('option', 'tcp-check'));
  const timeoutServer = members.find((m) => m.dest.timeoutServer !== undefined)?.dest.timeoutServer;
  if (timeoutServer !== undefined) beSettings.push(d('timeout', 'server', `${timeoutServer}s`));
  const timeoutTunnel = members.find((m) => m.dest.timeoutTunnel !== undefined)?.dest.timeoutTunnel;
  if (timeoutTunnel !== undefined) beSettings.push(d('timeout', 'tunnel', `${timeoutTunnel}s`));
  return {
    frontend: {
      name,
      mode: 'tcp',
      binds: [{ port, words: [`*:${port}`] }],
      settings: feSettings,
      acls: [],
      requestRules: [],
      routes: [],
      defaultBackend: name,
    },
    backend: {
      name,
      mode: 'tcp',
      settings: beSettings,
      acls: [],
      requestRules: [],
      responseRules: [],
      servers: members.flatMap((m) => memberServers(m, group, s)),
      extra: [],
    },
  };
}
