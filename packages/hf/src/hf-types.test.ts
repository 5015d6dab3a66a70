import type { ProviderV1, TaskCapabilities } from '@infermux/core';
import { describe, expectTypeOf, it } from 'vitest';
import { createHf, type HfProvider, type HfTaskId, hf } from './index';

describe('public types', () => {
  it('the provider is a ProviderV1 whose task map names exactly the tasks it serves', () => {
    expectTypeOf(hf).toEqualTypeOf<HfProvider>();
    expectTypeOf(createHf({})).toMatchTypeOf<ProviderV1>();
    expectTypeOf<HfProvider['tasks']['text-classification']>().toEqualTypeOf<TaskCapabilities>();
    expectTypeOf<'text-to-video'>().not.toMatchTypeOf<HfTaskId>();
    expectTypeOf<'image-generation'>().not.toMatchTypeOf<HfTaskId>();
    expectTypeOf<'chat-completion'>().toMatchTypeOf<HfTaskId>();
  });

  it('doRun is typed per task', () => {
    type Output = Awaited<ReturnType<typeof hf.doRun<'zero-shot-classification'>>>['output'];
    // One list of scores per text: a single text gives one list, a list of texts a list of them.
    expectTypeOf<Output>().toMatchTypeOf<
      Array<{ label: string; score: number }> | Array<Array<{ label: string; score: number }>>
    >();
  });
});
