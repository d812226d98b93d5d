import { readFileSync } from 'node:fs';
import Docker from 'dockerode';
import type { DockerTls } from '../env.js';
import { ListingError, ListingSplitter } from './listing.js';
import {
  DockerError,
  type DockerEvent,
  type EventKinds,
  type Listed,
  type SwarmApi,
  type SwarmNode,
  type SwarmService,
  type SwarmTask,
} from './types.js';

/** PEM contents for a TLS connection to the Docker API (DOCKER_TLS_VERIFY). */
export interface TlsMaterial {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

/**
 * dockerode connection options from `unix:///path`, `tcp://host:port` or `http(s)://host:port`.
 * With `tls`, https on 2376 by default, verifying the daemon against `ca` and presenting the
 * client certificate (docker-modem hands them to Node's https agent, which also checks the
 * daemon's name or IP against its certificate).
 */
export function dockerOptions(host: string, tls?: TlsMaterial): Docker.DockerOptions {
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  const u = new URL(host.replace(/^tcp:/, 'http:'));
  if (tls) return { protocol: 'https', host: u.hostname, port: Number(u.port || 2376), ...tls };
  if (u.protocol === 'https:') return { protocol: 'https', host: u.hostname, port: Number(u.port || 2376) };
  return { protocol: 'http', host: u.hostname, port: Number(u.port || 2375) };
}

/** Reads the DOCKER_CERT_PATH files. */
export function readTls(files: DockerTls): TlsMaterial {
  return {
    ca: readFileSync(files.caFile),
    cert: readFileSync(files.certFile),
    key: readFileSync(files.keyFile),
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const s = (v: unknown): string => (typeof v === 'string' ? v : '');
const labels = (v: unknown): Record<string, string> =>
  isRecord(v)
    ? Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'))
    : {};

function statusCode(e: unknown): number | undefined {
  return isRecord(e) && typeof e.statusCode === 'number' ? e.statusCode : undefined;
}

/** A container start still to be checked: with a healthcheck, Swarm counts it running only once healthy. */
type RawEvent = DockerEvent | { kind: 'container-start'; serviceId: string; containerId: string };

function toEvent(line: string): RawEvent | null {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return null;
  }
  if (!isRecord(raw) || !isRecord(raw.Actor)) return null;
  const action = raw.Action;
  if (raw.Type === 'container') {
    const attrs = isRecord(raw.Actor.Attributes) ? raw.Actor.Attributes : {};
    const serviceId = s(attrs['com.docker.swarm.service.id']);
    if (!serviceId) return null;
    if (action === 'start') return { kind: 'container-start', serviceId, containerId: s(raw.Actor.ID) };
    if (action === 'health_status: healthy') return { action: 'task-started', id: serviceId };
    return null;
  }
  if (action !== 'create' && action !== 'update' && action !== 'remove') return null;
  if (raw.Type === 'node') return s(raw.Actor.ID) ? { action: 'node', id: s(raw.Actor.ID) } : null;
  if (raw.Type !== 'service') return null;
  const id = s(raw.Actor.ID);
  if (!id) return null;
  const name = isRecord(raw.Actor.Attributes) ? s(raw.Actor.Attributes.name) : '';
  return name ? { action, id, name } : { action, id };
}

/** `GET /services` read as a stream, one service at a time (docker/listing.ts). */
async function splitListing(
  docker: Docker,
  unchanged: (id: string, version: number) => boolean,
): Promise<Listed[]> {
  const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) => {
    docker.modem.dial(
      { path: '/services?', method: 'GET', isStream: true, statusCodes: { 200: true, 500: 'server error' } },
      (err: unknown, res: unknown) =>
        err
          ? reject(err instanceof Error ? err : new Error('docker service ls failed'))
          : resolve(res as NodeJS.ReadableStream),
    );
  });
  const splitter = new ListingSplitter(unchanged);
  try {
    for await (const chunk of stream) splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  } catch (e) {
    (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
    throw e;
  }
  return splitter.end();
}

/** The only module that talks to Docker. */
export function createSwarmApi(host: string, tls?: DockerTls): SwarmApi {
  const docker = new Docker(dockerOptions(host, tls ? readTls(tls) : undefined));
  const hasHealthcheck = async (containerId: string): Promise<boolean> => {
    try {
      const info = await docker.getContainer(containerId).inspect();
      const test = info.Config?.Healthcheck?.Test;
      return Array.isArray(test) && test.length > 0 && test[0] !== 'NONE';
    } catch {
      return true; // unknown: let the task poll decide
    }
  };
  return {
    async listServices(unchanged) {
      try {
        if (!unchanged) return await docker.listServices();
        try {
          return await splitListing(docker, unchanged);
        } catch (e) {
          if (!(e instanceof ListingError)) throw e;
          // Another engine's formatting: the plain listing still works, at its full cost.
          return await docker.listServices();
        }
      } catch (e) {
        throw new DockerError('service ls', e);
      }
    },

    async inspectService(id) {
      try {
        return (await docker.getService(id).inspect()) as SwarmService;
      } catch (e) {
        if (statusCode(e) === 404) return null;
        throw new DockerError('service inspect', e);
      }
    },

    async servicesWithRunningTasks(serviceIds) {
      const out = new Set<string>();
      if (serviceIds.length === 0) return out;
      let tasks: unknown[];
      try {
        tasks = await docker.listTasks({
          filters: { service: [...serviceIds], 'desired-state': ['running'] },
        });
      } catch (e) {
        throw new DockerError('task ls', e);
      }
      for (const t of tasks) {
        if (isRecord(t) && isRecord(t.Status) && t.Status.State === 'running') out.add(s(t.ServiceID));
      }
      return out;
    },

    async activeTasks(serviceIds) {
      if (serviceIds.length === 0) return [];
      let tasks: unknown[];
      try {
        tasks = await docker.listTasks({
          filters: { service: [...serviceIds], 'desired-state': ['running'] },
        });
      } catch (e) {
        throw new DockerError('task ls', e);
      }
      return tasks
        .filter(
          (t): t is Record<string, unknown> =>
            isRecord(t) &&
            isRecord(t.Status) &&
            (t.Status.State === 'running' || t.Status.State === 'starting'),
        )
        .map((t): SwarmTask => {
          const networks: Record<string, string> = {};
          for (const a of Array.isArray(t.NetworksAttachments) ? t.NetworksAttachments : []) {
            if (!isRecord(a) || !isRecord(a.Network) || !isRecord(a.Network.Spec)) continue;
            const name = s(a.Network.Spec.Name);
            const first = Array.isArray(a.Addresses) ? s(a.Addresses[0]) : '';
            if (name && first) networks[name] = first.split('/')[0] ?? first;
          }
          return { serviceId: s(t.ServiceID), nodeId: s(t.NodeID), networks };
        });
    },

    async listNodes() {
      let nodes: unknown[];
      try {
        nodes = await docker.listNodes();
      } catch (e) {
        throw new DockerError('node ls', e);
      }
      return nodes.filter(isRecord).map((n): SwarmNode => {
        const spec = isRecord(n.Spec) ? n.Spec : {};
        const desc = isRecord(n.Description) ? n.Description : {};
        const status = isRecord(n.Status) ? n.Status : {};
        const version = isRecord(n.Version) && typeof n.Version.Index === 'number' ? n.Version.Index : 0;
        return {
          id: s(n.ID),
          hostname: s(desc.Hostname),
          address: s(status.Addr),
          versionIndex: version,
          state: s(status.State),
          role: s(spec.Role),
          availability: s(spec.Availability),
          labels: labels(spec.Labels),
          engineLabels: isRecord(desc.Engine) ? labels(desc.Engine.Labels) : {},
        };
      });
    },

    async *events(signal, onOpen, kinds: EventKinds = { services: true, nodes: false }) {
      let stream: NodeJS.ReadableStream;
      try {
        stream = await docker.getEvents({
          filters: {
            type: [...(kinds.services ? ['service', 'container'] : []), ...(kinds.nodes ? ['node'] : [])],
            event: ['create', 'update', 'remove', 'start', 'health_status'],
          },
          abortSignal: signal,
        } as Docker.GetEventsOptions);
      } catch (e) {
        throw new DockerError('events', e);
      }
      const destroy = (): void => {
        (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      };
      signal.addEventListener('abort', destroy, { once: true });
      onOpen?.();
      let buf = '';
      try {
        for await (const chunk of stream) {
          buf += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const ev = toEvent(buf.slice(0, nl));
            buf = buf.slice(nl + 1);
            if (ev === null) continue;
            if (!('kind' in ev)) yield ev;
            else if (!(await hasHealthcheck(ev.containerId)))
              yield { action: 'task-started', id: ev.serviceId };
          }
        }
      } catch (e) {
        if (!signal.aborted) throw new DockerError('events stream', e);
      } finally {
        signal.removeEventListener('abort', destroy);
        destroy();
      }
    },
  };
}
