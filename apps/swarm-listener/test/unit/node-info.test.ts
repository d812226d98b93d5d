import { describe, it, expect } from '@jest/globals';
import { nodeInfoParam } from '../../src/core/node-info.js';

const hostnames = new Map([
  ['n1', 'node-1'],
  ['n2', 'node-2'],
]);

describe('nodeInfoParam (upstream nodeInfo)', () => {
  it('one [hostname, task address on the network, node ID] per task, sorted, duplicates once', () => {
    const info = nodeInfoParam(
      [
        { serviceId: 's', nodeId: 'n2', networks: { monitor: '10.0.0.5', ingress: '10.255.0.5' } },
        { serviceId: 's', nodeId: 'n1', networks: { monitor: '10.0.0.4' } },
        { serviceId: 's', nodeId: 'n1', networks: { monitor: '10.0.0.4' } },
      ],
      hostnames,
      'monitor',
    );
    expect(JSON.parse(info ?? 'null')).toEqual([
      ['node-1', '10.0.0.4', 'n1'],
      ['node-2', '10.0.0.5', 'n2'],
    ]);
  });

  it('tasks without an address on the network or on an unknown node are left out; none left: undefined', () => {
    expect(
      nodeInfoParam(
        [
          { serviceId: 's', nodeId: 'n1', networks: { other: '10.0.0.4' } },
          { serviceId: 's', nodeId: 'gone', networks: { monitor: '10.0.0.6' } },
        ],
        hostnames,
        'monitor',
      ),
    ).toBeUndefined();
  });
});
