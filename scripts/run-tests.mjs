#!/usr/bin/env node
// Runs every package's tests through turbo (cached), then prints one plain summary
// line, `N passed, N failed`, summed from each package's vitest JSON report.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const packageDirs = ['packages', 'apps'].flatMap((group) =>
  existsSync(join(root, group)) ? readdirSync(join(root, group)).map((name) => join(root, group, name)) : [],
);
const reportOf = (dir) => join(dir, '.vitest-report.json');

// Stale reports must not count; turbo restores fresh ones from its cache on a hit.
for (const dir of packageDirs) rmSync(reportOf(dir), { force: true });

const turbo = spawnSync('turbo', ['run', 'test', '--continue', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, PATH: `${join(root, 'node_modules/.bin')}:${process.env.PATH}` },
});

let passed = 0;
let failed = 0;
const missing = [];
for (const dir of packageDirs) {
  if (!existsSync(join(dir, 'package.json'))) continue;
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (!manifest.scripts?.test) continue;
  if (!existsSync(reportOf(dir))) {
    missing.push(manifest.name);
    continue;
  }
  const report = JSON.parse(readFileSync(reportOf(dir), 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  if (!report.success && (report.numFailedTests ?? 0) === 0) failed += 1; // a suite that failed to load
}
if (missing.length > 0) {
  console.log(`no test report from: ${missing.join(', ')}`);
  failed += missing.length;
}
// A package whose run failed outside any test (an unhandled error, a failed type check) still fails.
if (turbo.status !== 0 && failed === 0) {
  console.log('a package failed outside its tests (unhandled error, type check or build): see the output above');
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(turbo.status === 0 && failed === 0 ? 0 : 1);
