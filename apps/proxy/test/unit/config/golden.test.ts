import { describe, it, expect } from '@jest/globals';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderConfig } from '../../../src/config/render.js';
import { caseNames, goldenDiff, loadCase } from '../../golden/golden.js';

const UPDATE = process.env.UPDATE_GOLDEN === '1';

function compare(file: string, actual: string): void {
  if (UPDATE) {
    writeFileSync(file, actual);
    return;
  }
  const expected = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (expected !== actual)
    throw new Error(`${file} differs (UPDATE_GOLDEN=1 rewrites it):\n${goldenDiff(file, expected, actual)}`);
}

describe('golden configs', () => {
  it('has cases', () => {
    expect(caseNames().length).toBeGreaterThan(20);
  });
  for (const name of caseNames()) {
    it(`renders ${name} byte for byte`, () => {
      const c = loadCase(name);
      const out = renderConfig(c.input);
      compare(join(c.dir, 'expected.cfg'), out.haproxyCfg);
      const filesDir = join(c.dir, 'files');
      if (UPDATE) {
        rmSync(filesDir, { recursive: true, force: true });
        if (Object.keys(out.files).length > 0) mkdirSync(filesDir);
      }
      for (const [file, content] of Object.entries(out.files)) compare(join(filesDir, file), content);
      const expectedFiles = existsSync(filesDir) ? readdirSync(filesDir).sort() : [];
      expect(Object.keys(out.files).sort()).toEqual(expectedFiles);
      const warnings = (out.warnings ?? []).map((w) => `${w}\n`).join('');
      const wfile = join(c.dir, 'expected-warnings.txt');
      if (UPDATE) {
        rmSync(wfile, { force: true });
        if (warnings) writeFileSync(wfile, warnings);
      } else {
        expect(warnings).toBe(existsSync(wfile) ? readFileSync(wfile, 'utf8') : '');
      }
    });
  }
});
