import { formatModelRef, type ModelRef, type RevisionPolicy, type Warning } from '@infermux/core';
import { revisionNotServed } from '@infermux/core/provider-utils';

/**
 * The `model` string sent upstream: the id, plus the routing variant when there is one
 * (`org/name:fastest` on the HF router). OpenAI-compatible servers have no revisions.
 */
export function upstreamModelId(model: ModelRef): string {
  return model.variant ? `${model.id}:${model.variant}` : model.id;
}

/**
 * An OpenAI-compatible upstream serves whatever it has loaded under a name: it cannot honour
 * `@revision`. The revision policy says whether that is a warning or a refusal.
 */
export function revisionWarnings(model: ModelRef, policy: RevisionPolicy | undefined, provider: string): Warning[] {
  if (!model.revision) return [];
  return [
    revisionNotServed({
      provider,
      model,
      policy,
      reason: `${provider} cannot pin revisions: "${formatModelRef(model, { provider: false })}" is served as "${upstreamModelId(model)}", whatever revision the upstream has loaded`,
    }),
  ];
}
