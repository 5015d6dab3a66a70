import { type AttemptTimeouts, InfermuxError, parseWith, type Transport, truncate } from '@infermux/core';
import { buildHeaders, getJson } from '@infermux/core/provider-utils';
import { hfErrorFromResponse } from '../hf-errors';
import { modelPath } from '../hf-urls';
import { type HfModelInfo, MODEL_INFO_FIELDS, modelInfoResponseSchema, toModelInfo } from './model-info';
import { TtlCache } from './ttl-cache';

export interface HubClientOptions {
  provider: string;
  hubURL: () => string;
  transport: Transport;
  /** The token when there is one: public models need none, private and gated ones do. */
  token: () => string | undefined;
  /** The provider's settings headers (never its `authorization`: the token is the only one). */
  headers: () => Record<string, string> | undefined;
  ttlMs: number;
  now?: () => number;
}

/** A commit never moves, so a sha→sha check is kept longer than a branch or tag lookup. */
const COMMIT_TTL_MS = 60 * 60 * 1000;
const COMMIT = /^[0-9a-f]{40}$/;

/** Hub API calls (wire/hf §8): model info and revision → commit, cached for `ttlMs`. */
export class HubClient {
  readonly #info: TtlCache<HfModelInfo>;
  readonly #revisions: TtlCache<string>;

  constructor(private readonly options: HubClientOptions) {
    this.#info = new TtlCache(options.ttlMs, options.now);
    this.#revisions = new TtlCache(options.ttlMs, options.now);
  }

  /** `GET {hub}/api/models/{id}?expand[]=sha&expand[]=pipeline_tag&…` */
  modelInfo(modelId: string, signal?: AbortSignal, timeouts?: AttemptTimeouts): Promise<HfModelInfo> {
    return this.#info.get(`${this.options.hubURL()}|${modelId}`, async () => {
      const query = MODEL_INFO_FIELDS.map((field) => `expand[]=${encodeURIComponent(field)}`).join('&');
      const json = await this.#get(`/api/models/${modelPath(modelId)}?${query}`, modelId, signal, timeouts);
      return toModelInfo(
        parseWith(modelInfoResponseSchema, json, `Hub model info for "${modelId}"`, this.#badResponse(json)),
      );
    });
  }

  /**
   * `GET {hub}/api/models/{id}/revision/{rev}` → the full commit sha. The revision is encoded as one path
   * segment (`refs/pr/1` → `refs%2Fpr%2F1`), as huggingface_hub does.
   */
  resolveRevision(
    modelId: string,
    revision: string,
    signal?: AbortSignal,
    timeouts?: AttemptTimeouts,
  ): Promise<string> {
    const ttl = COMMIT.test(revision) ? COMMIT_TTL_MS : this.options.ttlMs;
    return this.#revisions.get(
      `${this.options.hubURL()}|${modelId}@${revision}`,
      async () => {
        const json = await this.#get(
          `/api/models/${modelPath(modelId)}/revision/${encodeURIComponent(revision)}?expand[]=sha`,
          modelId,
          signal,
          timeouts,
        );
        const info = parseWith(
          modelInfoResponseSchema,
          json,
          `Hub revision info for "${modelId}@${revision}"`,
          this.#badResponse(json),
        );
        if (!info.sha || !COMMIT.test(info.sha)) {
          throw new InfermuxError({
            code: 'provider_bad_response',
            message: `The Hub did not return a commit sha for ${modelId}@${revision}`,
            provider: this.options.provider,
            details: { rawBody: truncate(JSON.stringify(json)) },
          });
        }
        return info.sha;
      },
      ttl,
    );
  }

  clear(): void {
    this.#info.clear();
    this.#revisions.clear();
  }

  /** `timeouts` carries a routed call's deadline (core's transport enforces it), like `signal` its abort. */
  async #get(path: string, modelId: string, signal?: AbortSignal, timeouts?: AttemptTimeouts): Promise<unknown> {
    const { provider, hubURL } = this.options;
    const token = this.options.token();
    const response = await getJson({
      transport: this.options.transport,
      provider,
      url: `${hubURL()}${path}`,
      headers: buildHeaders({ settings: this.options.headers(), apiKey: token }),
      signal,
      timeouts,
      errorFromResponse: (answer) =>
        hfErrorFromResponse(answer, { provider, modelId, sentToken: token !== undefined, hub: true, hubURL: hubURL() }),
    });
    return response.json();
  }

  #badResponse(json: unknown) {
    return {
      provider: this.options.provider,
      code: 'provider_bad_response' as const,
      details: { rawBody: truncate(JSON.stringify(json)) },
    };
  }
}
