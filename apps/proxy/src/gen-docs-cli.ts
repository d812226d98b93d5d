import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeMarkedSection } from '@flowproxy/runtime';
import { END, renderProxySection, START } from './docs.js';

// Run by `npm run docs`: rewrites only the proxy's part of docs/CONFIG.md.
const file = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'CONFIG.md');
const changed = writeMarkedSection(file, START, END, renderProxySection());
console.log(`docs/CONFIG.md (proxy section) ${changed ? 'written' : 'up to date'}`);
