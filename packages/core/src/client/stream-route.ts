import { InfermuxError } from '../errors/infermux-error';
import type { ProviderStreamResult, StreamPart } from '../provider/provider';
import type { ResolvedModel, RunResult } from '../result/result-envelope';
import { addUsage, type Usage } from '../result/usage';
import type { RouteTarget } from '../routing/route';
import { type OpenedStream, readUntilContent } from '../routing/stream-failover';
import type { TaskId } from '../tasks/task-registry';
import type { CallServices } from './call-services';
import type { RequestOptions, StreamResult } from './client-types';
import { collectStream } from './collect-stream';
import { type AttemptStep, prepareInput, RoutedCall, validateOutput } from './routed-call';

/** One shared abort reason: creating an Error (and its stack) per finished stream is measurable. */
const streamFinished = new Error('stream finished');

/** `stream`'s attempt: `doStream`, read up to its first content within the attempt. */
const streamStep: AttemptStep<TaskId, RequestOptions<TaskId>, ProviderStreamResult, OpenedStream> = {
  operation: 'stream',
  lacks: (provider) => (provider.doStream ? undefined : 'stream'),
  call: (provider, options) => provider.doStream?.(options) as Promise<ProviderStreamResult>,
  open: (streamed, provider) => readUntilContent(streamed.stream, provider.name),
};

/** `client.stream`: the parts of one routed stream as they come, and its whole result once read to the end. */
export function streamRoute<T extends TaskId>(
  services: CallServices,
  task: T,
  request: RequestOptions<T>,
): StreamResult<T> {
  let settled = false;
  let resolveResult!: (value: RunResult<T>) => void;
  let rejectResult!: (error: unknown) => void;
  const result = new Promise<RunResult<T>>((resolve, reject) => {
    resolveResult = (value) => {
      settled = true;
      resolve(value);
    };
    rejectResult = (error) => {
      settled = true;
      reject(error);
    };
  });
  result.catch(() => undefined); // consumers that only iterate must not see an unhandled rejection
  const call = new RoutedCall(
    services,
    task,
    request,
    streamStep as AttemptStep<T, RequestOptions<T>, ProviderStreamResult, OpenedStream>,
    'stream',
  );
  call.holdSignal = true;
  // The router's signal for the winning attempt follows the caller's; `cancel` aborts it when the
  // consumer stops early or the stream fails after content, so no controller of our own is needed.
  let release = (): void => undefined;
  let cancel = (_reason: unknown): void => undefined;
  let settleAttempt = (_error?: InfermuxError): void => undefined;

  async function* parts(): AsyncGenerator<StreamPart> {
    let committed: RouteTarget | undefined;
    let usage: Usage = {};
    let served: ResolvedModel | undefined;
    let completed = false;
    try {
      call.check();
      call.input = await prepareInput(services, task, request.input, request.signal);
      call.resolveRoute();
      const won = await call.execute();
      const { target, value } = won;
      release = won.release;
      cancel = won.abort;
      settleAttempt = won.settle;
      committed = target;
      served = call.servedModel(won);
      const opened = value.opened as OpenedStream;
      const seen: StreamPart[] = [];
      const accept = (part: StreamPart) => {
        if (part.type === 'usage') usage = addUsage(usage, part.usage);
        seen.push(part);
      };
      for (const part of opened.buffered) {
        accept(part);
        yield part;
      }
      for (;;) {
        const next = await opened.rest.next();
        if (next.done) break;
        if (next.value.type === 'error') throw next.value.error;
        accept(next.value);
        yield next.value;
      }
      if (!seen.some((part) => part.type === 'finish')) {
        throw new InfermuxError({
          code: 'provider_stream_interrupted',
          message: `${target.provider} ended the stream without a finish event: the answer is truncated`,
          provider: target.provider,
        });
      }
      const output = validateOutput(task, collectStream(task, seen, { model: target.model.id }), target.provider);
      settleAttempt();
      const runResult = await call.settle(call.envelope(won, served, usage, output));
      completed = true;
      resolveResult(runResult);
    } catch (caught) {
      const error = InfermuxError.from(caught, { code: 'gateway_internal' });
      rejectResult(error);
      if (!committed) {
        call.end({ error });
        throw error;
      }
      // Content already reached the caller: say in-band that the answer is cut short.
      settleAttempt(error);
      call.end({
        error,
        provider: committed.provider,
        model: served,
        usage,
        cost: call.costOf(committed, served ?? committed.model, usage),
      });
      yield { type: 'error', error };
    } finally {
      if (!settled) {
        // The consumer stopped reading: there is no whole result to give.
        const error = new InfermuxError({
          code: 'caller_aborted',
          message: 'The stream was not read to the end; the upstream request was cancelled',
        });
        rejectResult(error);
        settleAttempt(error);
        call.end({ error, provider: committed?.provider, model: served, usage });
      }
      // A stream read to its end needs no abort (the upstream is done, and an abort dispatches an
      // event through every listener: measurable per stream); one cut short or broken does.
      if (!completed) cancel(streamFinished);
      release();
    }
  }

  const iterable = parts();
  let textStream: AsyncIterable<string> | undefined;
  return {
    [Symbol.asyncIterator]: () => iterable,
    // Made on first use: most consumers read the parts, and an unused generator is still work.
    get textStream() {
      textStream ??= texts(iterable);
      return textStream;
    },
    result,
  };
}

async function* texts(parts: AsyncIterable<StreamPart>): AsyncGenerator<string> {
  for await (const part of parts) {
    if (part.type === 'text-delta') yield part.text;
    else if (part.type === 'error') throw part.error;
  }
}
