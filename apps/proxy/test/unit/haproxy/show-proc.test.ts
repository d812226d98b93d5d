import { describe, expect, it } from '@jest/globals';
import { parseShowProc } from '../../../src/haproxy/show-proc.js';

const SHOW_PROC = `#<PID>          <type>          <reloads>       <uptime>        <version>
21447           master          2 [failed: 1]   0d00h00m01s     2.6.12-1+deb12u4
# workers
21459           worker          1               0d00h00m01s     2.6.12-1+deb12u4
# old workers
21450           worker          2               0d00h00m05s     2.6.12-1+deb12u4
# programs
`;

describe('show proc', () => {
  it('reads the master, its reload counters and the current workers only', () => {
    expect(parseShowProc(SHOW_PROC)).toEqual({
      masterPid: 21447,
      reloads: 2,
      failedReloads: 1,
      workers: [21459],
    });
  });
  it('is undefined for anything else', () => {
    expect(parseShowProc('Unknown command\n')).toBeUndefined();
  });
});
