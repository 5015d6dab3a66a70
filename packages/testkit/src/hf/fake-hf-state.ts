import type { FakeListOptions } from './fake-hf-lists.js';
import { type FakeHfModel, normalizeFakeModel } from './fake-hf-models.js';

export type NormalizedFakeModel = ReturnType<typeof normalizeFakeModel>;

/** A dedicated Inference Endpoint the fake serves at `/endpoints/{name}`. */
export interface FakeHfEndpoint extends FakeListOptions {
  name: string;
  /** The model it was deployed with (from the fake's catalogue). */
  model: string;
  /** `public` endpoints take calls without a token (wire/hf §1.6). */
  public?: boolean;
}

/** Everything the fake's routes share. */
export class FakeHfState {
  readonly models = new Map<string, NormalizedFakeModel>();
  readonly tokens: Set<string>;
  readonly endpoints = new Map<string, FakeHfEndpoint>();
  /** Inference calls that answered "loading", per model. */
  readonly loadingAnswers = new Map<string, number>();
  #requests = 0;

  constructor(models: readonly FakeHfModel[], tokens: readonly string[], endpoints: readonly FakeHfEndpoint[]) {
    for (const model of models) this.models.set(model.id, normalizeFakeModel(model));
    this.tokens = new Set(tokens);
    for (const endpoint of endpoints) this.endpoints.set(endpoint.name, endpoint);
  }

  /** `Root=1-…` like the router's AWS-style request ids. */
  nextRequestId(): string {
    this.#requests += 1;
    return `Root=1-6a000000-${this.#requests.toString(16).padStart(24, '0')}`;
  }
}
