import { describe, it, expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  END,
  ERRORS_END,
  ERRORS_START,
  listenerErrorsMarkdown,
  listenerConfigMarkdown,
  replaceSection,
  START,
} from '../../src/docs.js';

describe('docs/CONFIG.md listener section', () => {
  it('is up to date with env.ts (run `npm run docs`)', () => {
    const file = fileURLToPath(new URL('../../../../docs/CONFIG.md', import.meta.url));
    const doc = readFileSync(file, 'utf8');
    const a = doc.indexOf(START);
    const b = doc.indexOf(END);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(doc.slice(a, b + END.length)).toBe(listenerConfigMarkdown());
  });

  it('replaces only its own section and appends it when missing', () => {
    const other = '<!-- proxy:start -->\nproxy\n<!-- proxy:end -->\n';
    const added = replaceSection(`# Configuration\n\n${other}`, listenerConfigMarkdown());
    expect(added).toContain(other);
    expect(added).toContain(listenerConfigMarkdown());
    const again = replaceSection(added.replace('DF_RETRY', 'DF_OLD'), listenerConfigMarkdown());
    expect(again).toBe(added);
  });
});

describe('docs/ERRORS.md listener section', () => {
  it('is generated from the error catalogue and up to date (run `npm run docs`)', () => {
    const file = fileURLToPath(new URL('../../../../docs/ERRORS.md', import.meta.url));
    const doc = readFileSync(file, 'utf8');
    expect(doc.slice(doc.indexOf(ERRORS_START), doc.indexOf(ERRORS_END) + ERRORS_END.length)).toBe(
      listenerErrorsMarkdown(),
    );
  });
});
