// Aggregates jest --json result files into the closing line CI reads: "N passed, N failed".
// A suite that failed to run (syntax error, failed beforeAll) counts as one failure, so a broken
// file can never disappear from the count.
import { readFileSync, existsSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of process.argv.slice(2)) {
  if (!existsSync(file)) {
    console.error(`summary: ${file} missing (jest did not finish)`);
    failed += 1;
    continue;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  for (const s of r.testResults) {
    if (s.status === 'failed' && s.assertionResults.every((a) => a.status !== 'failed')) {
      console.error(`summary: suite ${s.name} failed to run: ${(s.message || '').split('\n')[0]}`);
      failed += 1;
    }
  }
}
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
