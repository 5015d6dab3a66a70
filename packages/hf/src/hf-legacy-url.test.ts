import type { HttpRequest, HttpResponse, Transport } from '@infermux/core';
import { describe, expect, it } from 'vitest';
import { createHf } from './hf-provider';

/** Records where requests would go; answers like hf-inference. Nothing leaves the process. */
function recordingTransport(sent: HttpRequest[]): Transport {
  return {
    async request(request) {
      sent.push(request);
      const body = new TextEncoder().encode('[[{"label":"POSITIVE","score":0.99}]]');
      const response: HttpResponse = {
        status: 200,
        headers: { 'content-type': 'application/json' },
        contentType: 'application/json',
        requestId: undefined,
        firstByteMs: 1,
        body: (async function* () {
          yield body;
        })(),
        bytes: async () => body,
        text: async () => new TextDecoder().decode(body),
        json: async () => JSON.parse(new TextDecoder().decode(body)),
        dispose: async () => undefined,
      };
      return response;
    },
  };
}

describe('a base URL of the legacy api-inference shape', () => {
  it('is rewritten to the router (the legacy host is shut down), with a warning on the result and once to onWarning', async () => {
    const sent: HttpRequest[] = [];
    const warnings: string[] = [];
    const provider = createHf({
      apiKey: 'hf_legacyUser000000000000000',
      baseURL: 'https://api-inference.huggingface.co/models/distilbert/distilbert-base-uncased-finetuned-sst-2-english',
      transport: recordingTransport(sent),
      env: {},
      onWarning: (message) => warnings.push(message),
    });
    const call = () =>
      provider.doRun({
        task: 'text-classification',
        model: { id: 'distilbert/distilbert-base-uncased-finetuned-sst-2-english' },
        input: { inputs: 'I love it' },
      });
    const result = await call();
    const again = await call();
    expect(sent.map((request) => request.url)).toEqual([
      'https://router.huggingface.co/hf-inference/models/distilbert/distilbert-base-uncased-finetuned-sst-2-english',
      'https://router.huggingface.co/hf-inference/models/distilbert/distilbert-base-uncased-finetuned-sst-2-english',
    ]);
    expect(result.warnings?.map((warning) => warning.code)).toEqual(['hf_legacy_base_url']);
    expect(again.warnings?.map((warning) => warning.code)).toEqual(['hf_legacy_base_url']);
    expect(warnings).toHaveLength(1);
  });

  it('HF_BASE_URL and the token are read at call time, on every call', async () => {
    const sent: HttpRequest[] = [];
    const env: Record<string, string | undefined> = { HF_TOKEN: 'hf_envToken0000000000000000' };
    const provider = createHf({ transport: recordingTransport(sent), env });
    const call = () =>
      provider.doRun({ task: 'text-classification', model: { id: 'org/model' }, input: { inputs: 'x' } });
    env.HF_BASE_URL = 'http://proxy.internal:8080';
    await call();
    env.HF_BASE_URL = 'http://other.internal:9090/hf-inference/';
    delete env.HF_TOKEN;
    env.HF_API_TOKEN = 'hf_olderName0000000000000000';
    await call();
    expect(sent.map((request) => [request.url, request.headers?.authorization])).toEqual([
      ['http://proxy.internal:8080/hf-inference/models/org/model', 'Bearer hf_envToken0000000000000000'],
      ['http://other.internal:9090/hf-inference/models/org/model', 'Bearer hf_olderName0000000000000000'],
    ]);
  });

  it("HF_INFERENCE_ENDPOINT (huggingface_hub's serverless base, wire/hf §1.7) is read after HF_BASE_URL", async () => {
    const sent: HttpRequest[] = [];
    const env: Record<string, string | undefined> = {
      HF_TOKEN: 'hf_envToken0000000000000000',
      HF_INFERENCE_ENDPOINT: 'https://gateway.corp.example/hf-inference',
    };
    const provider = createHf({ transport: recordingTransport(sent), env });
    const call = () =>
      provider.doRun({ task: 'text-classification', model: { id: 'org/model' }, input: { inputs: 'x' } });
    await call();
    // The legacy value hub still defaults to goes to the router, as HF_BASE_URL's would.
    env.HF_INFERENCE_ENDPOINT = 'https://api-inference.huggingface.co';
    const legacy = await call();
    env.HF_BASE_URL = 'http://proxy.internal:8080';
    await call();
    expect(sent.map((request) => request.url)).toEqual([
      'https://gateway.corp.example/hf-inference/models/org/model',
      'https://router.huggingface.co/hf-inference/models/org/model',
      'http://proxy.internal:8080/hf-inference/models/org/model',
    ]);
    expect(legacy.warnings?.map((warning) => warning.code)).toEqual(['hf_legacy_base_url']);
  });
});
