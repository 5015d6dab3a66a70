import { formatModelRef, InfermuxError, type ModelRef, type RevisionPolicy, type Warning } from '@infermux/core';

/**
 * The `model` string sent upstream: the id, plus the routing variant when there is one
 * (`org/name:fastest` on the HF router). OpenAI-compatible servers have no revisions.
 */
export function upstreamModelId(model: ModelRef): string {
  return model.variant ? `${model.id}:${model.variant}` : model.id;
}

/**
 * An OpenAI-compatible upstream serves whatever it has loaded under a name: it cannot honour
 * `@revision`. Say so (warn) or refuse (strict, pinned-only), as the revision policy asks.
 */
export function revisionWarnings(model: ModelRef, policy: RevisionPolicy | undefined, provider: string): Warning[] {
  if (!model.revision) return [];
  const text = `${provider} cannot pin revisions: "${formatModelRef(model, { provider: false })}" is served as "${upstreamModelId(model)}", whatever revision the upstream has loaded`;
  if (policy === 'strict' || policy === 'pinned-only') {
    throw new InfermuxError({
      code: 'policy_revision_unavailable',
      message: `${text}. The revision policy is "${policy}".`,
      provider,
      details: { model: formatModelRef(model), field: 'model' },
    });
  }
  return [{ code: 'revision_not_pinned', message: text }];
}
