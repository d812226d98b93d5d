import { describe, expect, it } from '@jest/globals';
import { parseServiceSpec } from '@flowproxy/protocol';
import { servicesFromEnv } from '../../../src/state/env-services.js';

describe('env-defined services (DFP_SERVICE_*)', () => {
  it('reads the unnumbered and numbered services, indexed fields, up to the first gap', () => {
    expect(
      servicesFromEnv({
        DFP_SERVICE_SERVICE_NAME: 'one',
        DFP_SERVICE_SERVICE_PATH: '/one',
        DFP_SERVICE_PORT: '80',
        DFP_SERVICE_1_SERVICE_NAME: 'two',
        DFP_SERVICE_1_SERVICE_PATH_1: '/a',
        DFP_SERVICE_1_PORT_1: '81',
        DFP_SERVICE_1_REQ_PATH_SEARCH_REPLACE: '/x,/y',
        DFP_SERVICE_3_SERVICE_NAME: 'after-a-gap',
        OTHER: 'x',
      }),
    ).toEqual([
      { serviceName: 'one', servicePath: '/one', port: '80' },
      { serviceName: 'two', 'servicePath.1': '/a', 'port.1': '81', reqPathSearchReplace: '/x,/y' },
    ]);
  });
  it('passes unknown fields on, so validation names them', () => {
    const [svc] = servicesFromEnv({ DFP_SERVICE_SERVICE_NAME: 'x', DFP_SERVICE_SERVIC_PATH: '/x' });
    expect(parseServiceSpec(svc ?? {}).ok).toBe(false);
    expect(svc).toHaveProperty('servicPath', '/x');
  });
});
