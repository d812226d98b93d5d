import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { labelsMarkdown } from '../src/index.js';

describe('docs/LABELS.md', () => {
  it('is generated from the table and up to date (run `npm run docs`)', () => {
    const file = fileURLToPath(new URL('../../../docs/LABELS.md', import.meta.url));
    expect(readFileSync(file, 'utf8')).toBe(labelsMarkdown());
  });
});
