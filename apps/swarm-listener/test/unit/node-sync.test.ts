import { describe, it, expect } from '@jest/globals';
import { NodeSync } from '../../src/core/node-sync.js';
import { nodeChanges, nodeKey, nodeRemoveParams } from '../../src/core/nodes.js';
import type { Notification } from '../../src/delivery/dispatcher.js';
import type { SwarmNode } from '../../src/docker/types.js';
import { FakeSwarm, silentLog } from './fakes.js';

const node = (id: string, more: Partial<SwarmNode> = {}): SwarmNode => ({
  id,
  hostname: `host-${id}`,
  address: `10.0.0.${id.length}`,
  versionIndex: 1,
  state: 'ready',
  role: 'worker',
  availability: 'active',
  labels: {},
  engineLabels: {},
  ...more,
});

describe('nodeChanges (upstream node notifications)', () => {
  it('new and changed nodes are creates; the version index alone is no change', () => {
    const a = node('a');
    const announced = new Map([['a', a]]);
    expect(nodeChanges(announced, [{ ...a, versionIndex: 9 }])).toEqual([]);
    for (const changed of [
      { ...a, labels: { 'com.df.x': 'y' } },
      { ...a, labels: { 'other.label': 'z' } },
      { ...a, engineLabels: { 'com.df.rack': '1' } },
      { ...a, availability: 'drain' },
      { ...a, role: 'manager' },
      { ...a, address: '10.9.9.9' },
      { ...a, state: 'disconnected' },
    ]) {
      expect(nodeChanges(announced, [changed])).toEqual([{ type: 'create', node: changed }]);
    }
    const b = node('b');
    expect(nodeChanges(announced, [a, b])).toEqual([{ type: 'create', node: b }]);
  });

  it('a node that left or went down is a remove with what was announced; back up, a create again', () => {
    const a = node('a', { labels: { 'com.df.x': 'y' } });
    const announced = new Map([['a', a]]);
    expect(nodeChanges(announced, [])).toEqual([{ type: 'remove', node: a }]);
    const down = { ...a, state: 'down' };
    expect(nodeChanges(announced, [down])).toEqual([{ type: 'remove', node: a }]);
    expect(nodeChanges(new Map(), [down])).toEqual([]);
    expect(nodeChanges(new Map(), [a])).toEqual([{ type: 'create', node: a }]);
  });

  it('label order does not matter; remove parameters are id, hostname and address', () => {
    const a = node('a', { labels: { x: '1', y: '2' } });
    expect(nodeKey(a)).toBe(nodeKey({ ...a, labels: { y: '2', x: '1' } }));
    expect(nodeRemoveParams(a)).toEqual({ id: 'a', hostname: 'host-a', address: '10.0.0.1' });
  });
});

describe('NodeSync', () => {
  it('announces every node at start, then only changes; removes with id, hostname, address', async () => {
    const api = new FakeSwarm();
    const sent: Notification[] = [];
    const sync = new NodeSync({ api, notify: (n) => sent.push(n), log: silentLog });
    api.nodes = [
      node('a', { labels: { 'com.df.zone': 'eu' }, engineLabels: { 'com.df.zone': 'x' } }),
      node('b'),
    ];
    await sync.reconcile();
    expect(sent.map((n) => `${n.kind} ${n.service}`)).toEqual(['create a', 'create b']);
    expect(sent[0]?.params).toEqual({
      zone: 'eu',
      id: 'a',
      hostname: 'host-a',
      address: '10.0.0.1',
      versionIndex: '1',
      state: 'ready',
      role: 'worker',
      availability: 'active',
    });
    await sync.reconcile();
    expect(sent).toHaveLength(2);
    api.nodes = [node('a', { labels: { 'com.df.zone': 'us' } })];
    await sync.reconcile();
    expect(sent.slice(2).map((n) => [n.kind, n.service, n.params.zone ?? ''])).toEqual([
      ['create', 'a', 'us'],
      ['remove', 'b', ''],
    ]);
    expect(sent[3]?.params).toEqual({ id: 'b', hostname: 'host-b', address: '10.0.0.1' });
    expect(sync.size()).toBe(1);
  });

  it('a failing listing sends nothing and keeps what was announced', async () => {
    const api = new FakeSwarm();
    const sent: Notification[] = [];
    const sync = new NodeSync({ api, notify: (n) => sent.push(n), log: silentLog });
    api.nodes = [node('a')];
    await sync.reconcile();
    api.listNodes = async () => {
      throw new Error('docker down');
    };
    await sync.reconcile();
    expect(sent).toHaveLength(1);
    expect(sync.size()).toBe(1);
  });
});
