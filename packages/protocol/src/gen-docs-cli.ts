import { writeFileSync } from 'node:fs';
import { labelsMarkdown } from './docs.js';

// Run from the repository root by `npm run docs`.
writeFileSync('docs/LABELS.md', labelsMarkdown());
console.log('wrote docs/LABELS.md');
