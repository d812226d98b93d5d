import { writeFileSync } from 'node:fs';
import { renderLabelsMarkdown } from './docs.js';

// Run from the repository root by `npm run docs`.
writeFileSync('docs/LABELS.md', renderLabelsMarkdown());
console.log('wrote docs/LABELS.md');
