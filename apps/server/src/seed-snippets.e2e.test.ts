import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FAKE_HF_VALID_TOKEN, TINY_PNG } from '@infermux/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HfEvolinkGateway, OPERATOR_EVOLINK_KEY, startHfEvolinkGateway } from './test-support/hf-evolink-gateway';
import { seedEvolinkPython, seedJavaScript, seedPython } from './test-support/seed-snippets';

const run = promisify(execFile);

// The seed's code against the gateway, unchanged but for the base URL: an operator with its own HF token and
// EvoLink key, the callers' scripts as they were written for the real services.
let setup: HfEvolinkGateway;
let imageFile: string;

/** Python 3 with `requests`, as the seed's readers have it; `.ci/run` installs Debian's python3-requests. */
const python = await run('python3', ['-c', 'import requests']).then(
  () => true,
  () => false,
);
if (!python) console.warn('seed-snippets: python3 with `requests` not found; the Python snippets are skipped.');

beforeAll(async () => {
  setup = await startHfEvolinkGateway({
    behaviour: () => ({ outcome: 'succeed', afterPolls: 1 }),
    estimatedSeconds: () => 1,
  });
  imageFile = join(setup.directory, 'cats.png');
  writeFileSync(imageFile, TINY_PNG);
});
afterAll(() => setup?.close());

/** The snippet with only its URLs changed, run as its reader runs it; its printed JSON lines. */
async function runSnippet(command: string, extension: string, source: string): Promise<unknown[]> {
  const file = join(setup.directory, `snippet-${Math.random().toString(36).slice(2)}.${extension}`);
  writeFileSync(
    file,
    source
      .replaceAll('{{HF_URL}}', setup.gateway.url)
      .replaceAll('{{EVOLINK_URL}}', `${setup.gateway.url}/evolink`)
      .replaceAll('{{IMAGE_FILE}}', imageFile),
  );
  const { stdout } = await run(command, [file], { timeout: 60_000 });
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

const inferenceCalls = () => setup.hf.server.requests.filter((request) => request.path.startsWith('/hf-inference/'));

/** What the four HF snippets get back: HF's own shapes. */
function expectHfAnswers([sentiment, generated, image, zeroShot]: unknown[]): void {
  expect(sentiment).toEqual([
    expect.arrayContaining([expect.objectContaining({ label: 'POSITIVE', score: expect.any(Number) })]),
  ]);
  expect(generated).toMatchObject([{ generated_text: expect.any(String) }]);
  expect(image).toEqual(expect.arrayContaining([expect.objectContaining({ label: expect.any(String) })]));
  // Today's shape, `[{label, score}]` best first (wire/hf §5.3).
  expect((zeroShot as Array<{ label: string }>).map((item) => item.label).sort()).toEqual(['faq', 'legal', 'refund']);
}

describe("the seed article's code, unchanged but for the URL", () => {
  it('the four HF snippets in JavaScript (fetch with a JSON.stringify body: text/plain; image bytes untyped)', async () => {
    const before = inferenceCalls().length;
    expectHfAnswers(await runSnippet(process.execPath, 'mjs', seedJavaScript));
    const calls = inferenceCalls().slice(before);
    expect(calls.map((call) => call.path)).toEqual([
      '/hf-inference/models/distilbert/distilbert-base-uncased-finetuned-sst-2-english',
      // text-generation goes to the router's completions route (the adapter's default; wire/hf §5.9).
      '/hf-inference/models/gpt2/v1/completions',
      '/hf-inference/models/google/vit-base-patch16-224',
      '/hf-inference/models/facebook/bart-large-mnli',
    ]);
    // The operator's token went upstream, never the caller's.
    expect(calls.every((call) => call.headers.authorization === `Bearer ${FAKE_HF_VALID_TOKEN}`)).toBe(true);
    expect(calls[1]?.json()).toMatchObject({ max_tokens: 20, temperature: 0.7 });
    expect(Buffer.from(calls[2]!.body).equals(Buffer.from(TINY_PNG))).toBe(true);
  });

  it.skipIf(!python)('the four HF snippets in Python (requests)', async () => {
    expectHfAnswers(await runSnippet('python3', 'py', seedPython));
  });

  it.skipIf(!python)(
    "the two EvoLink functions (doubao-seedream-4.0, sora-2): EvoLink's task objects, polled to their results",
    async () => {
      const submittedBefore = setup.evolink.count('POST', '/v1/images/generations');
      const [imageTask, image, videoTask, video] = (await runSnippet('python3', 'py', seedEvolinkPython)) as Array<
        Record<string, unknown>
      >;
      expect(imageTask).toMatchObject({
        id: expect.stringMatching(/^job_/),
        object: 'image.generation.task',
        type: 'image',
        model: 'doubao-seedream-4.0',
        status: 'pending',
        progress: 0,
        created: expect.any(Number),
        task_info: { can_cancel: false },
      });
      expect(image).toMatchObject({
        id: imageTask?.id,
        status: 'completed',
        progress: 100,
        results: [expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//)],
      });
      expect(videoTask).toMatchObject({ object: 'video.generation.task', type: 'video', model: 'sora-2' });
      expect(video).toMatchObject({ status: 'completed', results: [expect.stringContaining('.mp4')] });
      // One paid submission each, whatever the polling.
      expect(setup.evolink.count('POST', '/v1/images/generations') - submittedBefore).toBe(1);
      const upstream = setup.evolink.server.requests.filter((request) => request.method === 'POST').at(-1);
      expect(upstream?.json()).toMatchObject({ model: 'sora-2', prompt: 'Waves rolling onto a beach at sunset' });
      expect(upstream?.headers.authorization).toBe(`Bearer ${OPERATOR_EVOLINK_KEY}`);
    },
  );
});
