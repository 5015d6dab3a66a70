import { describe, expect, it } from 'vitest';
import { REVISION_NOT_PINNED, requirePinnedRevision, revisionNotServed } from './revision-policy';

const model = { id: 'org/name', revision: 'v2' };
const reason = 'the upstream takes no revision';

describe('revisionNotServed', () => {
  it('warn (the default): one warning code, whichever adapter', () => {
    for (const policy of ['warn', undefined] as const) {
      expect(revisionNotServed({ provider: 'p', model, policy, reason })).toEqual({
        code: REVISION_NOT_PINNED,
        message: 'Revision not pinned: the upstream takes no revision.',
      });
    }
    expect(REVISION_NOT_PINNED).toBe('revision_not_pinned');
  });

  it.each(['strict', 'pinned-only'] as const)('%s: policy_revision_unavailable naming the model', (policy) => {
    expect(() => revisionNotServed({ provider: 'p', model, policy, reason, details: { headCommit: 'abc' } })).toThrow(
      expect.objectContaining({
        code: 'policy_revision_unavailable',
        status: 409,
        provider: 'p',
        message: `The revision policy is "${policy}", but the upstream takes no revision.`,
        details: { field: 'model', model: 'org/name', revision: 'v2', headCommit: 'abc' },
      }),
    );
  });
});

describe('requirePinnedRevision', () => {
  it('refuses anything but a full sha under pinned-only only', () => {
    expect(() => requirePinnedRevision(model, 'pinned-only', 'p')).toThrow(
      expect.objectContaining({ code: 'policy_revision_unpinned', details: { field: 'model', model: 'org/name' } }),
    );
    expect(() => requirePinnedRevision({ id: 'org/name' }, 'pinned-only', 'p')).toThrow(/does not name a full commit/);
    requirePinnedRevision({ id: 'org/name', revision: 'a'.repeat(40) }, 'pinned-only', 'p');
    requirePinnedRevision(model, 'strict', 'p');
    requirePinnedRevision(model, undefined, 'p');
  });
});
