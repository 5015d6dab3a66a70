import { describe, expect, it } from 'vitest';
import { InfermuxError } from '../errors/infermux-error';
import type { ModelRef } from '../model/model-ref';
import type { ProviderV1 } from '../provider/provider';
import { createClient } from './create-client';

/** An in-memory provider that labels every text with its own name and records the models it was sent. */
function labeller(name: string, serves = true): ProviderV1 & { models: ModelRef[] } {
  const models: ModelRef[] = [];
  return {
    specificationVersion: 'v1',
    name,
    tasks: serves ? { 'text-classification': {} } : { 'feature-extraction': {} },
    models,
    async doRun({ model }) {
      models.push(model);
      return { output: [{ label: name, score: 1 }] as never };
    },
  };
}

const ask = (
  client: ReturnType<typeof createClient>,
  model: string,
  extra: { provider?: string; revisionPolicy?: 'pinned-only' } = {},
) => client.run('text-classification', { model, input: { inputs: 'hello' }, ...extra });

describe('route resolution for model references (cached per task, model and provider)', () => {
  it('the same reference resolves the same way on every call, and each provider override gets its own route', async () => {
    const a = labeller('a');
    const b = labeller('b');
    const client = createClient({ providers: [a, b] });
    for (let index = 0; index < 3; index++) expect((await ask(client, 'org/model@v1')).provider).toBe('a');
    expect((await ask(client, 'org/model@v1', { provider: 'b' })).provider).toBe('b');
    expect((await ask(client, 'b:org/model')).provider).toBe('b');
    expect(a.models).toEqual([
      { id: 'org/model', revision: 'v1' },
      { id: 'org/model', revision: 'v1' },
      { id: 'org/model', revision: 'v1' },
    ]);
    expect(b.models).toEqual([{ id: 'org/model', revision: 'v1' }, { id: 'org/model' }]);
  });

  it('a provider registered after the first call is seen: the cached route is rebuilt', async () => {
    const client = createClient({ providers: [labeller('a')] });
    expect((await ask(client, 'org/model')).provider).toBe('a');
    // Same name, no longer serving the task: a stale route would still send to it.
    client.providers.register(labeller('a', false));
    const error = await ask(client, 'org/model').catch((caught: unknown) => caught);
    expect(InfermuxError.isInstance(error) && error.code).toBe('caller_unsupported');
    client.providers.register(labeller('a'));
    expect((await ask(client, 'org/model')).provider).toBe('a');
  });

  it('the revision policy is checked on every call, not only when the route is first built', async () => {
    const client = createClient({ providers: [labeller('a')] });
    expect((await ask(client, 'org/model@main')).provider).toBe('a');
    const error = await ask(client, 'org/model@main', { revisionPolicy: 'pinned-only' }).catch(
      (caught: unknown) => caught,
    );
    expect(InfermuxError.isInstance(error) && error.code).toBe('policy_revision_unpinned');
  });

  it('an invalid reference fails every time (errors are not cached as routes)', async () => {
    const client = createClient({ providers: [labeller('a')] });
    for (let index = 0; index < 2; index++) {
      const error = await ask(client, 'org/a/b').catch((caught: unknown) => caught);
      expect(InfermuxError.isInstance(error) && error.code).toBe('caller_invalid_input');
    }
  });
});
