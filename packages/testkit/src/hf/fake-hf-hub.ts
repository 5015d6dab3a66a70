import type { RecordedRequest } from '../recorded-request.js';
import type { FakeResponseTools } from '../response-tools.js';
import { bearerToken, canSee } from './fake-hf-auth.js';
import type { FakeHfState } from './fake-hf-state.js';

/**
 * `GET /api/models/{id}` and `GET /api/models/{id}/revision/{rev}` (wire/hf §8). With `expand[]` only the
 * requested fields plus `_id` and `id` come back. Errors carry `X-Error-Code` / `X-Error-Message`; a missing
 * or hidden repo is 401 without a token and 404 with one, as the Hub does.
 */
export function answerHub(state: FakeHfState, request: RecordedRequest, response: FakeResponseTools): void {
  const requestId = state.nextRequestId();
  const rest = request.path.slice('/api/models/'.length);
  const [rawId = '', rawRevision] = rest.split('/revision/');
  const modelId = rawId.split('/').map(decodeURIComponent).join('/');
  const revision = rawRevision === undefined ? undefined : decodeURIComponent(rawRevision);
  const token = bearerToken(request);
  const fail = (status: number, code: string, message: string) =>
    response.json(
      status,
      { error: message },
      { 'x-error-code': code, 'x-error-message': message, 'x-request-id': requestId },
    );

  if (token !== undefined && !state.tokens.has(token)) {
    response.json(
      401,
      { error: 'Invalid credentials in Authorization header' },
      { 'x-error-message': 'Invalid credentials in Authorization header', 'x-request-id': requestId },
    );
    return;
  }
  const model = state.models.get(modelId);
  if (!model || !canSee(model, token)) {
    fail(token === undefined ? 401 : 404, 'RepoNotFound', 'Repository not found');
    return;
  }
  const sha =
    revision === undefined
      ? model.sha
      : (model.revisions[revision] ??
        (/^[0-9a-f]{40}$/.test(revision) && Object.values(model.revisions).includes(revision) ? revision : undefined));
  if (sha === undefined) {
    fail(404, 'RevisionNotFound', `Invalid rev id: ${revision}`);
    return;
  }
  const full: Record<string, unknown> = {
    _id: `fake${model.sha.slice(0, 20)}`,
    id: model.id,
    modelId: model.id,
    author: model.id.includes('/') ? model.id.split('/')[0] : undefined,
    sha,
    pipeline_tag: model.pipelineTag,
    private: model.private ?? false,
    gated: model.gated ?? false,
    disabled: false,
    tags: [...(model.tags ?? []), model.pipelineTag],
    library_name: model.libraryName ?? 'transformers',
    lastModified: '2026-08-01T00:00:00.000Z',
    ...(model.inference ? { inference: model.inference } : {}),
  };
  const expand = [...request.query.getAll('expand[]'), ...request.query.getAll('expand')];
  const body =
    expand.length === 0
      ? full
      : Object.fromEntries(
          Object.entries(full).filter(([key]) => key === '_id' || key === 'id' || expand.includes(key)),
        );
  response.json(200, body, { 'x-request-id': requestId });
}
