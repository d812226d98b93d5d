import { describe, it, expect, afterEach } from '@jest/globals';
import { eventually } from '@flowproxy/testkit';
import { ServiceSync } from '../../src/core/sync.js';
import type { Notification } from '../../src/delivery/dispatcher.js';
import { createMetrics } from '../../src/metrics.js';
import { FakeSwarm, silentLog, svc } from './fakes.js';

const labels = { 'com.df.notify': 'true', 'com.df.servicePath': '/demo', 'com.df.port': '8080' };
const syncs: ServiceSync[] = [];

function setup(opts: { immediate?: boolean; nodeInfo?: boolean } = {}) {
  const api = new FakeSwarm();
  const sent: Notification[] = [];
  const metrics = createMetrics();
  const sync = new ServiceSync({
    api,
    notify: (n) => sent.push(n),
    log: silentLog,
    metrics,
    opts: {
      notifyLabel: 'com.df.notify',
      serviceNamePrefix: '',
      notifyImmediately: opts.immediate ?? false,
      includeNodeInfo: opts.nodeInfo ?? false,
      taskPollMs: 1,
      taskWaitMs: 60_000,
    },
  });
  syncs.push(sync);
  const summary = () =>
    sent.map((n) =>
      `${n.kind} ${n.service} ${n.params.port ?? ''}${n.params.replicas ? ` r${n.params.replicas}` : ''}`.trim(),
    );
  return { api, sent, sync, summary, metrics };
}

afterEach(() => {
  for (const s of syncs.splice(0)) s.stop();
});

describe('ServiceSync', () => {
  it('start-up notifies every labelled service with a running task, not the others', async () => {
    const { api, sync, summary } = setup();
    api.put(svc('a', 'a', labels));
    api.put(svc('b', 'b', {}));
    api.put(svc('c', 'c', { ...labels, 'com.df.notify': 'false' }));
    api.running.add('a').add('b').add('c');
    await sync.reconcile();
    await eventually(() => expect(summary()).toEqual(['create a 8080 r1']));
    expect(sync.isReady()).toBe(true);
    expect(sync.services()).toEqual([
      { distribute: 'true', port: '8080', replicas: '1', serviceName: 'a', servicePath: '/demo' },
    ]);
  });

  it('waits for the first running task, then notifies once', async () => {
    const { api, sync, summary } = setup();
    api.put(svc('a', 'a', labels));
    api.emit({ action: 'create', id: 'a' });
    sync.onEvent({ action: 'create', id: 'a' });
    await sync.idle();
    expect(summary()).toEqual([]);
    expect(sync.stats()).toEqual({ notified: 0, waiting: 1 });
    const calls = api.taskCalls;
    await eventually(() => expect(api.taskCalls).toBeGreaterThan(calls + 2));
    api.running.add('a');
    await eventually(() => expect(summary()).toEqual(['create a 8080 r1']));
    expect(sync.stats()).toEqual({ notified: 1, waiting: 0 });
  });

  it('a task start seen on this node notifies without waiting for the poll', async () => {
    const { api, sync, summary } = setup();
    api.put(svc('a', 'a', labels));
    sync.onEvent({ action: 'task-started', id: 'a' });
    sync.onEvent({ action: 'create', id: 'a' });
    await sync.idle();
    expect(summary()).toEqual(['create a 8080 r1']);
  });

  it('DF_NOTIFY_CREATE_SERVICE_IMMEDIATELY sends before any task runs', async () => {
    const { api, sync, summary } = setup({ immediate: true });
    api.put(svc('a', 'a', labels));
    sync.onEvent({ action: 'create', id: 'a' });
    await sync.idle();
    expect(summary()).toEqual(['create a 8080 r1']);
  });

  it('label update re-notifies, a no-op update sends nothing, scale to 0 sends replicas=0, removal sends remove', async () => {
    const { api, sync, summary, sent } = setup();
    api.running.add('a');
    api.put(svc('a', 'a', labels, { version: 1 }));
    await sync.reconcile();
    await eventually(() => expect(summary()).toHaveLength(1));
    api.put(svc('a', 'a', { ...labels, 'com.df.port': '9090' }, { version: 2 }));
    sync.onEvent({ action: 'update', id: 'a' });
    await sync.idle();
    api.put(svc('a', 'a', { ...labels, 'com.df.port': '9090', unrelated: 'x' }, { version: 3 }));
    sync.onEvent({ action: 'update', id: 'a' });
    await sync.idle();
    api.put(svc('a', 'a', { ...labels, 'com.df.port': '9090' }, { version: 4, replicas: 0 }));
    sync.onEvent({ action: 'update', id: 'a' });
    await sync.idle();
    api.services.delete('a');
    sync.onEvent({ action: 'remove', id: 'a' });
    await sync.idle();
    expect(summary()).toEqual(['create a 8080 r1', 'create a 9090 r1', 'create a 9090 r0', 'remove a 9090']);
    expect(sent[2]!.params.replicas).toBe('0');
    expect(sent[3]!.params).toEqual({
      distribute: 'true',
      port: '9090',
      serviceName: 'a',
      servicePath: '/demo',
    });
  });

  it('removing the notify label sends remove with the last notified labels', async () => {
    const { api, sync, summary } = setup();
    api.running.add('a');
    api.put(svc('a', 'a', labels, { version: 1 }));
    await sync.reconcile();
    await eventually(() => expect(summary()).toHaveLength(1));
    api.put(svc('a', 'a', { 'com.df.servicePath': '/demo', 'com.df.port': '8080' }, { version: 2 }));
    sync.onEvent({ action: 'update', id: 'a' });
    await sync.idle();
    expect(summary()).toEqual(['create a 8080 r1', 'remove a 8080']);
    expect(sync.services()).toEqual([]);
  });

  it('a stale listing never undoes a newer event, and never resurrects a removed service', async () => {
    const { api, sync, summary } = setup();
    api.running.add('a');
    api.put(svc('a', 'a', { ...labels, 'com.df.port': '2' }, { version: 5 }));
    sync.onEvent({ action: 'create', id: 'a' });
    await eventually(() => expect(summary()).toEqual(['create a 2 r1']));
    // A listing taken before that update (older version) arrives late.
    const stale = svc('a', 'a', { ...labels, 'com.df.port': '1' }, { version: 4 });
    api.listServices = async () => [stale];
    await sync.reconcile();
    expect(summary()).toEqual(['create a 2 r1']);
    sync.onEvent({ action: 'remove', id: 'a' });
    await sync.reconcile();
    await sync.idle();
    expect(summary()).toEqual(['create a 2 r1', 'remove a 2']);
  });

  it('a reconcile compares only services whose version moved on, and tells the listing which it knows', async () => {
    const { api, sync, summary } = setup();
    api.running.add('a').add('b');
    api.put(svc('a', 'a', labels, { version: 3 }));
    api.put(svc('b', 'b', labels, { version: 3 }));
    await sync.reconcile();
    await eventually(() => expect(summary()).toHaveLength(2));
    const asked: string[] = [];
    const list = api.listServices.bind(api);
    api.listServices = async (unchanged) => {
      for (const s of api.services.values())
        asked.push(`${s.ID}@${s.Version?.Index}:${unchanged?.(s.ID, s.Version?.Index ?? 0)}`);
      return list();
    };
    api.put(svc('b', 'b', { ...labels, 'com.df.port': '9090' }, { version: 4 }));
    await sync.reconcile();
    await sync.idle();
    expect(asked).toEqual(['a@3:true', 'b@4:false']);
    expect(summary()).toEqual(['create a 8080 r1', 'create b 8080 r1', 'create b 9090 r1']);
    // notify-services re-sends everything: nothing counts as known then.
    asked.length = 0;
    await sync.reconcile({ force: true });
    expect(asked).toEqual(['a@3:false', 'b@4:false']);
  });

  it('reconcile removes services that vanished while events were missed, and creates new ones', async () => {
    const { api, sync, summary } = setup();
    api.running.add('a').add('b');
    api.put(svc('a', 'a', labels));
    await sync.reconcile();
    await eventually(() => expect(summary()).toHaveLength(1));
    api.services.delete('a');
    api.put(svc('b', 'b', labels));
    await sync.reconcile();
    await eventually(() =>
      expect(summary()).toEqual(['create a 8080 r1', 'remove a 8080', 'create b 8080 r1']),
    );
  });

  it('force re-sends every notified service (notify-services); a plain reconcile sends nothing new', async () => {
    const { api, sync, summary } = setup();
    api.running.add('a');
    api.put(svc('a', 'a', labels));
    await sync.reconcile();
    await eventually(() => expect(summary()).toHaveLength(1));
    await sync.reconcile();
    await sync.idle();
    expect(summary()).toHaveLength(1);
    await sync.reconcile({ force: true });
    await sync.idle();
    expect(summary()).toEqual(['create a 8080 r1', 'create a 8080 r1']);
  });

  it('a failing listing does not make it ready; the next one does', async () => {
    const { api, sync } = setup();
    api.failList = true;
    await sync.reconcile();
    expect(sync.isReady()).toBe(false);
    api.failList = false;
    const ready = sync.ready();
    await sync.reconcile();
    await ready;
    expect(sync.isReady()).toBe(true);
  });

  it('concurrent reconciles are coalesced', async () => {
    const { api, sync } = setup();
    await Promise.all([sync.reconcile(), sync.reconcile(), sync.reconcile(), sync.reconcile()]);
    expect(api.listCalls).toBe(2);
  });

  it('gauges count notified and waiting services', async () => {
    const { api, sync, metrics } = setup();
    api.running.add('a');
    api.put(svc('a', 'a', labels));
    api.put(svc('b', 'b', labels));
    await sync.reconcile();
    await eventually(async () => {
      const text = await metrics.registry.metrics();
      expect(text).toContain('swarm_listener_services_watched{state="notified"} 1');
      expect(text).toContain('swarm_listener_services_watched{state="waiting"} 1');
    });
  });

  describe('nodeInfo (DF_INCLUDE_NODE_IP_INFO)', () => {
    const node = (id: string, hostname: string) => ({
      id,
      hostname,
      address: '10.1.0.1',
      versionIndex: 1,
      state: 'ready',
      role: 'manager',
      availability: 'active',
      labels: {},
      engineLabels: {},
    });
    const scraped = { ...labels, 'com.df.scrapeNetwork': 'monitor' };

    it('is sent with services labelled com.df.scrapeNetwork, and in get-services', async () => {
      const { api, sync, sent } = setup({ nodeInfo: true });
      api.nodes = [node('n1', 'node-1')];
      api.tasks = [{ serviceId: 'a', nodeId: 'n1', networks: { monitor: '10.0.9.3', other: '10.0.7.3' } }];
      api.put(svc('a', 'a', scraped));
      api.put(svc('b', 'b', labels));
      api.running.add('a').add('b');
      await sync.reconcile();
      await eventually(() => expect(sent).toHaveLength(2));
      const info = '[["node-1","10.0.9.3","n1"]]';
      expect(sent.find((n) => n.service === 'a')?.params.nodeInfo).toBe(info);
      expect(sent.find((n) => n.service === 'b')?.params.nodeInfo).toBeUndefined();
      expect(sync.services().map((p) => p.nodeInfo)).toEqual([info, undefined]);
    });

    it('is re-sent when the tasks move, and not otherwise', async () => {
      const { api, sync, sent } = setup({ nodeInfo: true });
      api.nodes = [node('n1', 'node-1'), node('n2', 'node-2')];
      api.tasks = [{ serviceId: 'a', nodeId: 'n1', networks: { monitor: '10.0.9.3' } }];
      api.put(svc('a', 'a', scraped));
      api.running.add('a');
      await sync.reconcile();
      await eventually(() => expect(sent).toHaveLength(1));
      await sync.reconcile();
      await sync.idle();
      expect(sent).toHaveLength(1);
      api.tasks = [
        { serviceId: 'a', nodeId: 'n2', networks: { monitor: '10.0.9.4' } },
        { serviceId: 'a', nodeId: 'n1', networks: { monitor: '10.0.9.3' } },
      ];
      sync.onEvent({ action: 'task-started', id: 'a' });
      await eventually(() => expect(sent).toHaveLength(2));
      expect(sent[1]?.kind).toBe('create');
      expect(sent[1]?.params.nodeInfo).toBe('[["node-1","10.0.9.3","n1"],["node-2","10.0.9.4","n2"]]');
    });

    it('is not collected when DF_INCLUDE_NODE_IP_INFO is off', async () => {
      const { api, sync, sent } = setup();
      api.nodes = [node('n1', 'node-1')];
      api.tasks = [{ serviceId: 'a', nodeId: 'n1', networks: { monitor: '10.0.9.3' } }];
      api.put(svc('a', 'a', scraped));
      api.running.add('a');
      await sync.reconcile();
      await eventually(() => expect(sent).toHaveLength(1));
      expect(sent[0]?.params.nodeInfo).toBeUndefined();
      expect(sent[0]?.params.scrapeNetwork).toBe('monitor');
    });
  });
});
