import { describe, expectTypeOf, it } from 'vitest';
import type { JobStatus } from '../provider/provider';
import type { RunResult } from '../result/result-envelope';
import type { TaskOutput } from '../tasks/task-registry';
import type { Client } from './create-client';

// Type-level contract: the task id alone decides the input and output types.
declare const client: Client;

describe('Client types', () => {
  it("run(task) returns that task's output type", () => {
    const classify = () =>
      client.run('text-classification', {
        model: 'distilbert/distilbert-base-uncased-finetuned-sst-2-english',
        input: { inputs: 'hi' },
      });
    expectTypeOf<Awaited<ReturnType<typeof classify>>>().toEqualTypeOf<RunResult<'text-classification'>>();
    expectTypeOf<Awaited<ReturnType<typeof classify>>['output']>().toEqualTypeOf<TaskOutput<'text-classification'>>();
    expectTypeOf<TaskOutput<'text-classification'>[number]['label']>().toEqualTypeOf<string>();

    const embed = () =>
      client.run('feature-extraction', {
        model: 'sentence-transformers/all-MiniLM-L6-v2',
        input: { inputs: ['a', 'b'] },
      });
    expectTypeOf<Awaited<ReturnType<typeof embed>>['output']>().toEqualTypeOf<TaskOutput<'feature-extraction'>>();

    const chat = () =>
      client.run('chat-completion', {
        model: 'hf:meta-llama/Llama-3.1-8B-Instruct',
        input: { messages: [{ role: 'user', content: 'hi' }] },
      });
    expectTypeOf<Awaited<ReturnType<typeof chat>>['output']['choices'][number]['message']['content']>().toEqualTypeOf<
      string | null
    >();
  });

  it('rejects an input of another task at compile time', () => {
    // Never called: only the compiler looks at these.
    const calls = [
      () =>
        client.run('zero-shot-classification', {
          model: 'facebook/bart-large-mnli',
          // @ts-expect-error zero-shot needs parameters.candidate_labels
          input: { inputs: 'x', parameters: {} },
        }),
      // @ts-expect-error chat input has messages, not inputs
      () => client.run('chat-completion', { model: 'x', input: { inputs: 'hello' } }),
      // @ts-expect-error unknown task id
      () => client.run('text-classifier', { model: 'x', input: { inputs: 'hello' } }),
    ];
    expectTypeOf(calls).toBeArray();
  });

  it('submit and stream are typed by task too', () => {
    const submit = () => client.submit('video-generation', { model: 'evolink:sora-2', input: { prompt: 'a cat' } });
    expectTypeOf<Awaited<ReturnType<typeof submit>>>().toMatchTypeOf<JobStatus<'video-generation'>>();
    const stream = () => client.stream('text-generation', { model: 'gpt2', input: { inputs: 'Once' } });
    expectTypeOf<ReturnType<typeof stream>['result']>().toEqualTypeOf<Promise<RunResult<'text-generation'>>>();
    expectTypeOf<ReturnType<typeof stream>['textStream']>().toEqualTypeOf<AsyncIterable<string>>();
  });
});
