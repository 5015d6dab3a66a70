import { InfermuxError } from '../errors/infermux-error';
import { isPinnedRevision, type ModelRef } from '../model/model-ref';
import type { RevisionPolicy } from '../provider/provider';
import type { Warning } from '../result/result-envelope';

/** The one warning an adapter gives when it serves a model at another revision than the one asked for. */
export const REVISION_NOT_PINNED = 'revision_not_pinned';

/**
 * Applies the revision policy to a revision the upstream cannot serve exactly (`reason` says why):
 * `warn` (the default) returns the `revision_not_pinned` warning; `strict` and `pinned-only` refuse the call
 * with `policy_revision_unavailable`.
 */
export function revisionNotServed(options: {
  provider: string;
  model: ModelRef;
  policy: RevisionPolicy | undefined;
  reason: string;
  /** Facts for the error (the commits involved). */
  details?: Record<string, unknown>;
}): Warning {
  const policy = options.policy ?? 'warn';
  if (policy === 'warn') return { code: REVISION_NOT_PINNED, message: `Revision not pinned: ${options.reason}.` };
  throw new InfermuxError({
    code: 'policy_revision_unavailable',
    message: `The revision policy is "${policy}", but ${options.reason}.`,
    provider: options.provider,
    details: { field: 'model', model: options.model.id, revision: options.model.revision, ...options.details },
  });
}

/** Under `pinned-only`, refuses a reference that does not name a full commit sha (`policy_revision_unpinned`). */
export function requirePinnedRevision(model: ModelRef, policy: RevisionPolicy | undefined, provider: string): void {
  if (policy !== 'pinned-only' || isPinnedRevision(model.revision)) return;
  throw new InfermuxError({
    code: 'policy_revision_unpinned',
    message: `The revision policy is "pinned-only", but "${model.id}${model.revision ? `@${model.revision}` : ''}" does not name a full commit sha. Use ${model.id}@<40-hex commit>.`,
    provider,
    details: { field: 'model', model: model.id },
  });
}
