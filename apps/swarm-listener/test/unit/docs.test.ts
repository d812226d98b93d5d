import { describe, it, expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { END, renderListenerSection, replaceSection, START } from '../../src/docs.js';

describe('docs/CONFIG.md listener section', () => {
  it('is up to date with env.ts (run `npm run docs`)', () => {
    const file = fileURLToPath(new URL('../../../../docs/CONFIG.md', import.meta.url));
    const doc = readFileSync(file, 'utf8');
    const a = doc.indexOf(START);
    const b = doc.indexOf(END);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(doc.slice(a, b + END.length)).toBe(renderListenerSection());
  });

  it('replaces only its own section and appends it when missing', () => {
    const other = '<!-- proxy:start -->\nproxy\n<!-- proxy:end -->\n';
    const added = replaceSection(`# Configuration\n\n${other}`, renderListenerSection());
    expect(added).toContain(other);
    expect(added).toContain(renderListenerSection());
    const again = replaceSection(added.replace('DF_RETRY', 'DF_OLD'), renderListenerSection());
    expect(again).toBe(added);
  });
});
