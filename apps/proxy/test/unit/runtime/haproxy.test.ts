import { describe, expect, it } from '@jest/globals';
import { linesOf, summarizeCheckOutput } from '../../../src/haproxy/check.js';
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

describe('haproxy -c output', () => {
  const out = `[NOTICE]   (1) : haproxy version is 2.6.12
[ALERT]    (3405) : config : parsing [/run/flowproxy/scratch/check-x/haproxy.cfg:12] : unknown keyword 'bogus' in 'backend' section
[ALERT]    (3405) : config : Error(s) found in configuration file : /run/flowproxy/scratch/check-x/haproxy.cfg
[ALERT]    (3405) : config : Fatal errors found in configuration.`;
  it('keeps the alert, without pid, scratch path or generic trailers', () => {
    expect(summarizeCheckOutput(out)).toEqual([
      "parsing [haproxy.cfg:12] : unknown keyword 'bogus' in 'backend' section",
    ]);
  });
  it('finds the config lines HAProxy names', () => {
    expect(linesOf(out)).toEqual([12]);
  });
});
