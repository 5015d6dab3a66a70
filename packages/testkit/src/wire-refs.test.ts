import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

// The fakes here are built from docs/wire, so the check that code cites those notes correctly lives beside them.
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const script = join(repoRoot, 'scripts', 'check-wire-refs.mjs');
/** The section sign, escaped so that this file's own fixtures are not checked as references. */
const S = '\u00a7';

function check(root: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [script, '--root', root], { encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr };
}

const roots: string[] = [];

/** A throwaway repository with one wire note and one source file. */
function repoWith(source: string): string {
  const root = mkdtempSync(join(tmpdir(), 'wire-refs-'));
  roots.push(root);
  const files: Record<string, string> = {
    'docs/wire/huggingface.md': `# HF\n\n## 1. Endpoints\n\n### 1.3 URL rules\n\n## 5. Tasks\n\n### 5.9 text-generation\n\nSee ${S}1.3.\n`,
    'packages/example/src/example.ts': source,
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('scripts/check-wire-refs.mjs', () => {
  it('finds every wire reference in this repository resolvable', () => {
    const { status, output } = check(repoRoot);
    expect(output).toBe('wire references: all resolve\n');
    expect(status).toBe(0);
  });

  it('accepts references and lists that resolve', () => {
    const root = repoWith(`// (wire/hf ${S}1.3)\n/** wire/hf ${S}1, ${S}1.3 and ${S}5.9(a) */\n`);
    expect(check(root)).toEqual({ status: 0, output: 'wire references: all resolve\n' });
  });

  it('names the file, line and section of a reference to a missing heading', () => {
    const root = repoWith(`const a = 1;\n// (wire/hf ${S}1.3, ${S}9.9)\n`);
    const { status, output } = check(root);
    expect(status).toBe(1);
    expect(output).toContain(`packages/example/src/example.ts:2: wire/hf ${S}9.9: no heading numbered 9.9`);
    expect(output).not.toContain(`${S}1.3:`);
  });

  it('refuses a section sign that names no wire note, and an unknown note', () => {
    const root = repoWith(`// (wire ${S}1.3)\n// (wire/nope ${S}1)\n`);
    const { status, output } = check(root);
    expect(status).toBe(1);
    expect(output).toContain(`packages/example/src/example.ts:1: a ${S} reference without a wire note`);
    expect(output).toContain('packages/example/src/example.ts:2: wire/nope: no such wire note');
  });
});
