import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@flowproxy/testkit';

const run = promisify(execFile);

// CI runs the quick benchmark only to prove it completes and writes its results; the targets are
// reported by `npm run bench`, never asserted here (shared, noisy machines).
describe('npm run bench -- --quick', () => {
  it('completes and writes a results file with all seven sections', async () => {
    const out = mkdtempSync(join(tmpdir(), 'flowproxy-bench-'));
    await run('npx', ['tsc', '-p', 'test/bench/tsconfig.json'], { cwd: REPO_ROOT });
    await run(process.execPath, ['test/bench/dist/bench/src/main.js', '--quick', '--out', out], {
      cwd: REPO_ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    const json = readdirSync(out).find((f) => f.endsWith('-quick.json'));
    expect(json).toBeDefined();
    const results = JSON.parse(readFileSync(join(out, json ?? ''), 'utf8')) as { sections: { id: string }[] };
    expect(results.sections.map((s) => s.id)).toEqual(
      expect.arrayContaining([
        'dataPlane',
        'routeScale',
        'reconfigureLatency',
        'hitless',
        'burst',
        'oneChange',
        'memory',
      ]),
    );
    expect(readFileSync(join(out, 'latest-quick.md'), 'utf8')).toContain('# Benchmark results');
  }, 600_000);
});
