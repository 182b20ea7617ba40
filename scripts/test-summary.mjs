#!/usr/bin/env node
/**
 * @file Reads vitest's JSON report and prints the totals as CI expects them, the last line being
 * exactly `N passed, N failed`. Exits non-zero when a test or a whole test file failed, when no test
 * ran, or when the report is missing (vitest crashed before writing it).
 *
 * Usage: node scripts/test-summary.mjs <vitest-results.json>
 */
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/test-summary.mjs <vitest-results.json>');
  process.exit(2);
}

let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  // No totals to print: vitest crashed before writing its report, and its own output says why.
  console.error(`test-summary: cannot read vitest's JSON report ${file}: ${error.message}`);
  process.exit(1);
}

const passed = report.numPassedTests ?? 0;
const failed = report.numFailedTests ?? 0;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
// A test file that fails to load (syntax error, bad import) fails no single test; count it, or CI
// would print "N passed, 0 failed" over a broken file.
const failedFiles = (report.testResults ?? []).filter(
  (result) => result.status === 'failed' && (result.assertionResults ?? []).every((a) => a.status !== 'failed'),
);

for (const result of failedFiles) {
  console.error(`test-summary: test file failed without a failing test: ${result.name}`);
  if (result.message) console.error(result.message.split('\n').slice(0, 5).join('\n'));
}
if (skipped > 0) console.log(`${skipped} skipped or todo`);

const totalFailed = failed + failedFiles.length;
console.log(`${passed} passed, ${totalFailed} failed`);

if (totalFailed > 0 || report.success === false) process.exit(1);
if (passed === 0) {
  console.error('test-summary: no test passed');
  process.exit(1);
}
