import { describe, expect, it } from '@jest/globals';
import { linesOf, summarizeCheckOutput } from '../../../src/haproxy/check.js';

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
