import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getTask } from '@infermux/core';
import { type FakeHf, startFakeHf, TINY_PNG } from '@infermux/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hfEnv, runCli, spawnCli, tempDir, writeConfig } from '../test-support/cli-harness';

let hf: FakeHf;
let env: Record<string, string>;
const SST2 = 'distilbert/distilbert-base-uncased-finetuned-sst-2-english';

beforeAll(async () => {
  hf = await startFakeHf();
  hf.server.route('GET', '/files/cat.png', (_request, response) => response.bytes(200, TINY_PNG, 'image/png'));
  env = hfEnv(hf);
});
afterAll(() => hf.close());

const inferenceRequests = (modelId: string) =>
  hf.server.requests.filter((request) => request.path.startsWith(`/hf-inference/models/${modelId}`));

describe('infermux run', () => {
  it('prints ranked labels with score bars for a positional text', async () => {
    const run = await runCli(['run', 'text-classification', '--model', SST2, 'I love this, it is great'], { env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^POSITIVE\s+█+░*\s+0\.\d{4}$/);
    expect(lines[1]).toMatch(/^NEGATIVE\s+/);
  });

  it('--json prints the result envelope, whose output validates against the task schema', async () => {
    const run = await runCli(['run', 'text-classification', '--model', SST2, '--json', '-p', 'top_k=1', 'I love it'], {
      env,
    });
    expect(run.code).toBe(0);
    const envelope = JSON.parse(run.stdout);
    expect(envelope).toMatchObject({ task: 'text-classification', provider: 'hf', model: { id: SST2 } });
    expect(getTask('text-classification').output.parse(envelope.output)).toHaveLength(1);
    // The typed parameter reached the wire as a number.
    expect(inferenceRequests(SST2).at(-1)?.json()).toMatchObject({ inputs: 'I love it', parameters: { top_k: 1 } });
  });

  it('infers the task from the Hub metadata when it is left out', async () => {
    const run = await runCli(['run', '--model', SST2, 'I love it', '--json'], { env });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).task).toBe('text-classification');
    expect(hf.server.requests.some((request) => request.path.startsWith(`/api/models/${SST2}`))).toBe(true);
  });

  it('reads the input from stdin with -', async () => {
    const run = await runCli(['run', 'text-classification', '--model', SST2, '-'], {
      env,
      stdin: 'this is terrible and bad\n',
    });
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(/^NEGATIVE/);
    expect(inferenceRequests(SST2).at(-1)?.json()).toMatchObject({ inputs: 'this is terrible and bad' });
  });

  it('sends an @file image as bytes', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'cat.png'), TINY_PNG);
    const run = await runCli(
      ['run', 'image-classification', '--model', 'google/vit-base-patch16-224', '@cat.png', '--json'],
      { env, cwd: dir },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    getTask('image-classification').output.parse(JSON.parse(run.stdout).output);
    const sent = inferenceRequests('google/vit-base-patch16-224').at(-1);
    expect(sent?.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(sent?.body ?? Buffer.alloc(0), TINY_PNG)).toBe(0);
  });

  it('downloads an http(s) URL input and sends its bytes', async () => {
    const before = inferenceRequests('google/vit-base-patch16-224').length;
    const run = await runCli(
      ['run', 'image-classification', '--model', 'google/vit-base-patch16-224', `${hf.url}/files/cat.png`],
      { env },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/█/);
    const sent = inferenceRequests('google/vit-base-patch16-224');
    expect(sent.length).toBe(before + 1);
    expect(Buffer.compare(sent.at(-1)?.body ?? Buffer.alloc(0), TINY_PNG)).toBe(0);
  });

  it('saves binary outputs to --out and reports the path; --json carries base64 without --out', async () => {
    const dir = tempDir();
    const saved = await runCli(
      ['run', 'text-to-image', '--model', 'black-forest-labs/FLUX.1-schnell', 'a red fox', '-o', 'fox.png'],
      { env, cwd: dir },
    );
    expect(saved.code).toBe(0);
    expect(saved.stdout.trim()).toBe(`saved ${join(dir, 'fox.png')}`);
    expect(readFileSync(join(dir, 'fox.png')).subarray(0, 4)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));

    const json = await runCli(
      ['run', 'text-to-image', '--model', 'black-forest-labs/FLUX.1-schnell', 'a red fox', '--json'],
      { env, cwd: dir },
    );
    const image = JSON.parse(json.stdout).output.image;
    expect(image.contentType).toMatch(/^image\//);
    expect(Buffer.from(image.base64, 'base64').subarray(0, 4)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  });

  it('takes --input-json and --params-json', async () => {
    const run = await runCli(
      [
        'run',
        'zero-shot-classification',
        '--model',
        'facebook/bart-large-mnli',
        '--input-json',
        '{"inputs":"I love hiking"}',
        '--params-json',
        '{"candidate_labels":["travel","cooking"]}',
        '--json',
      ],
      { env },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    getTask('zero-shot-classification').output.parse(JSON.parse(run.stdout).output);
  });

  it('types list parameters from key=value (comma-separated)', async () => {
    const run = await runCli(
      [
        'run',
        'zero-shot-classification',
        '--model',
        'facebook/bart-large-mnli',
        'I love hiking',
        '-p',
        'candidate_labels=travel,cooking',
        '-p',
        'multi_label=true',
      ],
      { env },
    );
    expect(run.code).toBe(0);
    expect(inferenceRequests('facebook/bart-large-mnli').at(-1)?.json()).toMatchObject({
      parameters: { candidate_labels: ['travel', 'cooking'], multi_label: true },
    });
  });

  it('streams chat tokens to stdout as they arrive', async () => {
    // Hold the stream after its first bytes: text must reach stdout before the stall ends.
    const stallMs = 1500;
    hf.server.fault('POST /v1/chat/completions', { kind: 'stall-mid-stream', afterBytes: 400, ms: stallMs });
    const started = Date.now();
    const child = spawnCli(['run', 'chat-completion', '--model', 'meta-llama/Llama-3.1-8B-Instruct', 'Say hello'], {
      env,
    });
    const chunks: Array<{ at: number; text: string }> = [];
    child.stdout?.on('data', (chunk: Buffer) => chunks.push({ at: Date.now() - started, text: chunk.toString() }));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    const finishedAt = Date.now() - started;
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks[0]?.text.length).toBeGreaterThan(0);
    // The first text came out well before the stream finished.
    expect(finishedAt - (chunks[0]?.at ?? finishedAt)).toBeGreaterThan(stallMs * 0.7);
  });

  it('--route runs through a configured route; an unknown route is exit 4', async () => {
    const dir = tempDir();
    writeConfig(dir, { providers: { hf: {} }, routes: { sentiment: { targets: [{ provider: 'hf', model: SST2 }] } } });
    const run = await runCli(['run', 'text-classification', '--route', 'sentiment', 'I love it', '--json'], {
      env,
      cwd: dir,
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ provider: 'hf', model: { id: SST2 } });
    const unknown = await runCli(['run', 'text-classification', '--route', 'sentimnet', 'I love it'], {
      env,
      cwd: dir,
    });
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toMatch(/Unknown route "sentimnet". Configured routes: sentiment/);
  });

  it('--no-stream prints the whole reply at once', async () => {
    const run = await runCli(
      ['run', 'chat-completion', '--model', 'meta-llama/Llama-3.1-8B-Instruct', '--no-stream', 'Say hello'],
      { env },
    );
    expect(run.code).toBe(0);
    expect(run.stdout.trim().length).toBeGreaterThan(0);
    expect(hf.server.requests.at(-1)?.json()).not.toMatchObject({ stream: true });
  });
});
