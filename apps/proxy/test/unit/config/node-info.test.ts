import { describe, it, expect } from '@jest/globals';
import { renderConfig } from '../../../src/config/render.js';
import { SETTINGS, svc } from './fixtures.js';

// The listener sends upstream's nodeInfo with DF_INCLUDE_NODE_IP_INFO=true (for Docker Flow
// Monitor): the proxy accepts it and routes exactly as without it.
describe('nodeInfo from the listener', () => {
  it('is accepted and changes nothing in the rendered configuration', () => {
    const base = { serviceName: 'mon', servicePath: '/mon', port: 9090, scrapeNetwork: 'monitor' };
    const nodeInfo = '[["node-1","10.0.9.3","2ognwv4iks91moofiinh71lia"],["node-2","10.0.9.4","x7"]]';
    const without = renderConfig({ settings: SETTINGS, services: [svc(base)] });
    const withInfo = renderConfig({ settings: SETTINGS, services: [svc({ ...base, nodeInfo })] });
    // Config, map files and warnings alike.
    expect(withInfo).toEqual(without);
    expect(JSON.stringify(withInfo)).not.toContain('10.0.9.3');
  });
});
