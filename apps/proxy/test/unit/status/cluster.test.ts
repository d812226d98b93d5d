import { describe, expect, it } from '@jest/globals';
import { clusterView, markDiffering } from '../../../src/status/cluster.js';
import { ChangeJournal } from '../../../src/status/journal.js';
import type { NodeView } from '../../../src/status/types.js';

const node = (hash: string, over: Partial<NodeView> = {}): NodeView => ({
  hostname: 'h',
  appVersion: '0.1.0',
  stateVersion: 1,
  hash,
  ready: true,
  services: 1,
  rejected: 0,
  ...over,
});

describe('cluster panel', () => {
  it('flags the replica whose hash differs from the majority, and every unreachable one', () => {
    const { peers, consistent } = markDiffering([
      { address: 'a', self: true, reachable: true, node: node('old') },
      { address: 'b', self: false, reachable: true, node: node('new') },
      { address: 'c', self: false, reachable: true, node: node('new') },
      { address: 'd', self: false, reachable: false, error: 'ECONNREFUSED' },
    ]);
    expect(peers.map((p) => [p.address, p.differs])).toEqual([
      ['a', true],
      ['b', false],
      ['c', false],
      ['d', true],
    ]);
    expect(consistent).toBe(false);
  });

  it('breaks a tie in favour of this replica, and is consistent when all agree', () => {
    const tie = markDiffering([
      { address: 'a', self: false, reachable: true, node: node('x') },
      { address: 'b', self: true, reachable: true, node: node('y') },
    ]);
    expect(tie.peers.map((p) => p.differs)).toEqual([true, false]);
    const same = markDiffering([
      { address: 'a', self: true, reachable: true, node: node('x') },
      { address: 'b', self: false, reachable: true, node: node('x') },
    ]);
    expect(same.consistent).toBe(true);
  });

  it('asks every other replica and answers for itself from memory', async () => {
    const asked: string[] = [];
    const view = await clusterView({
      serviceName: 'proxy',
      peers: async () => ['10.0.0.2:8080', '10.0.0.3:8080', '10.0.0.4:8080'],
      localAddresses: () => new Set(['10.0.0.2']),
      self: () => node('h1', { hostname: 'me' }),
      fetchNode: async (address) => {
        asked.push(address);
        if (address === '10.0.0.4:8080') throw new Error('timeout');
        return node('h1', { hostname: address });
      },
    });
    expect(asked.sort()).toEqual(['10.0.0.3:8080', '10.0.0.4:8080']);
    expect(view.peers.map((p) => [p.address, p.self, p.node?.hostname, p.differs])).toEqual([
      ['10.0.0.2:8080', true, 'me', false],
      ['10.0.0.3:8080', false, '10.0.0.3:8080', false],
      ['10.0.0.4:8080', false, undefined, true],
    ]);
    expect(view.peers[2]?.error).toBe('timeout');
  });

  it('shows this replica alone, with the reason, when the replicas cannot be listed', async () => {
    const view = await clusterView({
      serviceName: 'proxy',
      peers: async () => {
        throw new Error('Could not perform DNS lookup for tasks.proxy');
      },
      self: () => node('h1'),
      fetchNode: async () => node('never'),
    });
    expect(view.peers).toHaveLength(1);
    expect(view.peers[0]?.self).toBe(true);
    expect(view.error).toContain('tasks.proxy');
  });

  it('keeps only the last changes, newest first', () => {
    const j = new ChangeJournal(3);
    for (let i = 1; i <= 5; i += 1)
      j.record({ op: 'reconfigure', serviceName: `s${i}`, outcome: 'applied', status: 200, version: i });
    expect(j.list().map((e) => e.serviceName)).toEqual(['s5', 's4', 's3']);
    expect(new ChangeJournal(2).list()).toEqual([]);
    expect(() => new ChangeJournal(0)).toThrow(RangeError);
  });
});
