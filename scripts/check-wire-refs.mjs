#!/usr/bin/env node
// Checks that every section reference (`§n.m`) in the code, tests and READMEs names one of the wire notes in
// docs/wire and resolves to a numbered heading there: `wire/hf §1.3`, `wire/evolink §3.1, §4.2` (the short forms
// are defined in docs/wire/README.md). Inside docs/wire/<doc>.md a bare `§n.m` means that same document.
// Usage: node scripts/check-wire-refs.mjs [--root <dir>]; prints one line per broken reference, exits 1 if any.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Short names used in references → files in docs/wire. */
export const WIRE_DOCS = { hf: 'huggingface.md', evolink: 'evolink.md', openai: 'openai.md' };

const SCANNED_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '.md'];
const SKIPPED_DIRECTORIES = new Set(['node_modules', 'dist', 'results', '.git', '.turbo']);
const SECTION = '§(\\d+(?:\\.\\d+)*)';
// A doc prefix, then a list of sections: `wire/hf §1.4, §1.5 and §5.11`, `§5.9(a)`, `§5.9a`.
const REFERENCE_LIST = new RegExp(
  `wire/(\\w+) ((?:${SECTION}(?:\\([a-z]\\)|[a-z])?)(?:(?:, | and | or |–)${SECTION}(?:\\([a-z]\\)|[a-z])?)*)`,
  'g',
);
const SECTION_IN_LIST = new RegExp(SECTION, 'g');

/** The section numbers of a markdown document's numbered headings (`## 5.`, `### 5.12 …`, `#### 3.4.1 …`). */
export function sectionsOf(markdown) {
  const sections = new Set();
  for (const match of markdown.matchAll(/^#{1,6}\s+(\d+(?:\.\d+)*)\.?\s/gm)) sections.add(match[1]);
  return sections;
}

/**
 * The references on each line of `text`, and every `§` that belongs to none (`problems`). `ownDoc` is the short
 * name of the wire note being scanned, for its bare `§` cross-references.
 */
export function referencesIn(text, ownDoc) {
  const references = [];
  const problems = [];
  text.split('\n').forEach((line, index) => {
    const lineNumber = index + 1;
    const covered = [];
    for (const match of line.matchAll(REFERENCE_LIST)) {
      covered.push([match.index, match.index + match[0].length]);
      for (const section of match[2].matchAll(SECTION_IN_LIST)) {
        references.push({ line: lineNumber, doc: match[1], section: section[1] });
      }
    }
    for (const sign of line.matchAll(/§/g)) {
      if (covered.some(([start, end]) => sign.index >= start && sign.index < end)) continue;
      const bare = /^§(\d+(?:\.\d+)*)/.exec(line.slice(sign.index));
      if (ownDoc && bare) references.push({ line: lineNumber, doc: ownDoc, section: bare[1] });
      else problems.push({ line: lineNumber, message: 'a § reference without a wire note: write `wire/<doc> §n.m`' });
    }
  });
  return { references, problems };
}

function* filesUnder(directory) {
  for (const entry of readdirSync(directory)) {
    if (SKIPPED_DIRECTORIES.has(entry)) continue;
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) yield* filesUnder(path);
    else if (SCANNED_EXTENSIONS.some((extension) => entry.endsWith(extension))) yield path;
  }
}

/** Every broken reference under `root`, as `file:line: message`. */
export function checkWireRefs(root) {
  const wireDirectory = join(root, 'docs', 'wire');
  const sectionsByDoc = new Map();
  for (const [doc, file] of Object.entries(WIRE_DOCS)) {
    const path = join(wireDirectory, file);
    if (existsSync(path)) sectionsByDoc.set(doc, sectionsOf(readFileSync(path, 'utf8')));
  }
  const ownDocOf = new Map(Object.entries(WIRE_DOCS).map(([doc, file]) => [join(wireDirectory, file), doc]));
  const roots = ['packages', 'apps', 'scripts', 'docs', '.changeset'].map((name) => join(root, name));
  const files = [
    ...roots.filter((path) => existsSync(path)).flatMap((path) => [...filesUnder(path)]),
    ...readdirSync(root)
      .filter((entry) => entry.endsWith('.md'))
      .map((entry) => join(root, entry)),
  ];
  const broken = [];
  for (const file of files) {
    if (file === join(root, 'scripts', 'check-wire-refs.mjs')) continue; // its own comments show the syntax
    const where = relative(root, file).split(sep).join('/');
    const { references, problems } = referencesIn(readFileSync(file, 'utf8'), ownDocOf.get(file));
    for (const { line, message } of problems) broken.push(`${where}:${line}: ${message}`);
    for (const { line, doc, section } of references) {
      const sections = sectionsByDoc.get(doc);
      if (!sections) broken.push(`${where}:${line}: wire/${doc}: no such wire note (known: ${Object.keys(WIRE_DOCS)})`);
      else if (!sections.has(section)) {
        broken.push(
          `${where}:${line}: wire/${doc} §${section}: no heading numbered ${section} in docs/wire/${WIRE_DOCS[doc]}`,
        );
      }
    }
  }
  return broken;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rootFlag = process.argv.indexOf('--root');
  const root = rootFlag > 0 ? process.argv[rootFlag + 1] : new URL('..', import.meta.url).pathname;
  const broken = checkWireRefs(root);
  for (const line of broken) console.log(line);
  if (broken.length > 0) process.exit(1);
  console.log('wire references: all resolve');
}
