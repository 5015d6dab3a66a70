import type { FakeRoute } from '../fake-route.js';
import { type FakeServer, startFakeServer } from '../fake-server.js';
import { answerHub } from './fake-hf-hub.js';
import { answerInference, answerRouterChat } from './fake-hf-inference.js';
import { defaultFakeHfModels, FAKE_HF_OTHER_TOKEN, FAKE_HF_VALID_TOKEN, type FakeHfModel } from './fake-hf-models.js';
import { type FakeHfEndpoint, FakeHfState } from './fake-hf-state.js';

export interface FakeHfOptions {
  /** Models added to (or replacing, by id) the default catalogue. */
  models?: readonly FakeHfModel[];
  /** Valid tokens; default `FAKE_HF_VALID_TOKEN` and `FAKE_HF_OTHER_TOKEN`. */
  tokens?: readonly string[];
  /** Dedicated endpoints served at `/endpoints/{name}`. */
  endpoints?: readonly FakeHfEndpoint[];
  /** Register on this server instead of starting one (several fakes can share a server). */
  server?: FakeServer;
}

export interface FakeHf {
  /** For fault injection and recorded requests. */
  readonly server: FakeServer;
  /** Router base, hub base: the same server answers both (their paths do not overlap). */
  readonly url: string;
  readonly hubURL: string;
  readonly state: FakeHfState;
  endpointUrl(name: string): string;
  close(): Promise<void>;
}

const SERVERLESS =
  /^\/hf-inference\/models\/([^/]+(?:\/[^/]+)?)(\/pipeline\/[a-z-]+|\/v1\/chat\/completions|\/v1\/completions)?$/;
const ENDPOINT = /^\/endpoints\/([^/]+)(\/v1\/chat\/completions|\/v1\/completions)?\/?$/;

/** The routes of a fake Hugging Face: router (hf-inference + OpenAI chat), legacy host, Hub API, dedicated endpoints. */
export function fakeHfRoutes(state: FakeHfState): FakeRoute[] {
  return [
    {
      method: 'POST',
      path: SERVERLESS,
      handler: (request, response) => {
        const match = SERVERLESS.exec(request.path) as RegExpExecArray;
        const modelId = (match[1] as string).split('/').map(decodeURIComponent).join('/');
        return answerInference(state, request, response, { modelId, suffix: match[2] ?? '' });
      },
    },
    {
      method: 'POST',
      path: '/v1/chat/completions',
      handler: (request, response) => answerRouterChat(state, request, response),
    },
    {
      // The legacy serverless host's path shape: gone since early 2026 (wire/hf §1.2).
      method: 'POST',
      path: /^\/models\/.+$/,
      handler: (_request, response) =>
        response.json(410, {
          error:
            'https://api-inference.huggingface.co is no longer supported. Please use https://router.huggingface.co instead.',
        }),
    },
    { method: 'GET', path: /^\/api\/models\/.+$/, handler: (request, response) => answerHub(state, request, response) },
    {
      method: 'POST',
      path: ENDPOINT,
      handler: (request, response) => {
        const match = ENDPOINT.exec(request.path) as RegExpExecArray;
        const endpoint = state.endpoints.get(decodeURIComponent(match[1] as string));
        if (!endpoint) return response.text(404, 'Not Found');
        return answerInference(state, request, response, {
          modelId: endpoint.model,
          suffix: match[2] ?? '',
          endpoint: { ...endpoint, public: endpoint.public === true },
        });
      },
    },
  ];
}

/** Starts (or extends) a fake server answering as Hugging Face does, from the wire reference. */
export async function startFakeHf(options: FakeHfOptions = {}): Promise<FakeHf> {
  const byId = new Map(defaultFakeHfModels.map((model) => [model.id, model]));
  for (const model of options.models ?? []) byId.set(model.id, model);
  const state = new FakeHfState(
    [...byId.values()],
    options.tokens ?? [FAKE_HF_VALID_TOKEN, FAKE_HF_OTHER_TOKEN],
    options.endpoints ?? [],
  );
  const ownServer = options.server === undefined;
  const server = options.server ?? (await startFakeServer());
  const removeRoutes = server.addRoutes(fakeHfRoutes(state));
  return {
    server,
    url: server.url,
    hubURL: server.url,
    state,
    endpointUrl: (name) => `${server.url}/endpoints/${encodeURIComponent(name)}`,
    async close() {
      removeRoutes();
      if (ownServer) await server.close();
    },
  };
}
