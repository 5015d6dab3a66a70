import { InfermuxError } from '../errors/infermux-error';
import type { ProviderStreamResult, StreamPart } from '../provider/provider';
import type { ResolvedModel, RunResult, StreamRecovery } from '../result/result-envelope';
import { addUsage, type Usage } from '../result/usage';
import type { RouteTarget } from '../routing/route';
import { type OpenedStream, readUntilContent } from '../routing/stream-failover';
import type { TaskId } from '../tasks/task-registry';
import type { CallServices } from './call-services';
import type { RequestOptions, StreamResult } from './client-types';
import { collectStream } from './collect-stream';
import { type AttemptStep, prepareInput, RoutedCall, validateOutput, type Won } from './routed-call';
import {
  canRecover,
  describeRecovery,
  type RecoveredWon,
  recoverStream,
  recoveryWarning,
  unrecovered,
} from './stream-recovery';

type StreamWon = Won<ProviderStreamResult, OpenedStream>;

/** The text the caller has received (the first choice's). */
function deliveredText(seen: readonly StreamPart[]): string {
  let text = '';
  for (const part of seen) if (part.type === 'text-delta' && !part.choice) text += part.text;
  return text;
}

/** One shared abort reason: creating an Error (and its stack) per finished stream is measurable. */
export const streamFinished = new Error('stream finished');

/** `stream`'s attempt: `doStream`, read up to its first content within the attempt. */
export const streamStep: AttemptStep<TaskId, RequestOptions<TaskId>, ProviderStreamResult, OpenedStream> = {
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
  const run = new StreamRun(services, task, request);
  const iterable = run.parts();
  let textStream: AsyncIterable<string> | undefined;
  return {
    [Symbol.asyncIterator]: () => iterable,
    // Made on first use: most consumers read the parts, and an unused generator is still work.
    get textStream() {
      textStream ??= texts(iterable);
      return textStream;
    },
    result: run.result,
  };
}

/**
 * One routed stream's state, with its parts as a generator method. Not a generator function declared
 * inside `streamRoute`: that would be a new closure per stream, and calling it gives that closure its
 * own initial map, allocated in the old generation and pointing back at the closure, so once the
 * stream is over the dead map kept the stream's whole object graph alive through every young-generation
 * GC until the next full one. A method is one function, with one map, for every stream.
 */
class StreamRun<T extends TaskId> {
  settled = false;
  readonly result: Promise<RunResult<T>>;
  readonly call: RoutedCall<T, RequestOptions<T>, ProviderStreamResult, OpenedStream>;
  private resolve!: (value: RunResult<T>) => void;
  private reject!: (error: unknown) => void;
  // The router's signal for the winning attempt follows the caller's; `cancel` aborts it when the
  // consumer stops early or the stream fails after content, so no controller of our own is needed.
  release = (): void => undefined;
  cancel = (_reason: unknown): void => undefined;
  settleAttempt = (_error?: InfermuxError): void => undefined;

  constructor(
    readonly services: CallServices,
    readonly task: T,
    readonly request: RequestOptions<T>,
  ) {
    this.result = new Promise<RunResult<T>>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.result.catch(() => undefined); // consumers that only iterate must not see an unhandled rejection
    this.call = new RoutedCall(
      services,
      task,
      request,
      streamStep as AttemptStep<T, RequestOptions<T>, ProviderStreamResult, OpenedStream>,
      'stream',
    );
    this.call.holdSignal = true;
  }

  resolveResult(value: RunResult<T>): void {
    this.settled = true;
    this.resolve(value);
  }

  rejectResult(error: unknown): void {
    this.settled = true;
    this.reject(error);
  }

  /**
   * A stream that broke after content: rescued on another target when the route asks for it and it
   * can be (the new attempt, opened past what was delivered), else its error, as the caller will see it.
   */
  async rescue(caught: unknown, broken: RouteTarget, seen: readonly StreamPart[]): Promise<RecoveredWon> {
    const { call } = this;
    const error = InfermuxError.from(caught, { code: 'gateway_internal' });
    const config = call.route.streamRecovery;
    if (!config || !canRecover(call, error, seen)) throw error;
    this.settleAttempt(error);
    this.cancel(streamFinished);
    this.release();
    try {
      return await recoverStream(call, broken, deliveredText(seen), config);
    } catch (failed) {
      throw unrecovered(error, failed);
    }
  }

  async *parts(): AsyncGenerator<StreamPart> {
    const { call, services, task, request } = this;
    let committed: RouteTarget | undefined;
    let usage: Usage = {};
    let served: ResolvedModel | undefined;
    let completed = false;
    try {
      call.check();
      // Awaited only when binary fields are resolved: no microtask turn for a chat input.
      const input = prepareInput(services, task, request.input, request.signal);
      call.input = input instanceof Promise ? await input : input;
      call.resolveRoute();
      let won: StreamWon = await call.execute();
      const hold = (held: StreamWon): OpenedStream => {
        this.release = held.release;
        this.cancel = held.abort;
        this.settleAttempt = held.settle;
        committed = held.target;
        served = call.servedModel(held);
        won = held;
        return held.value.opened as OpenedStream;
      };
      let opened = hold(won);
      let recovery: StreamRecovery | undefined;
      const seen: StreamPart[] = [];
      // What the caller sees of a part: after a recovery, one stream (the first one's ids, one running
      // usage) that says on its finish how it was rescued.
      const accept = (part: StreamPart): StreamPart | undefined => {
        if (part.type === 'usage') usage = addUsage(usage, part.usage);
        if (recovery) {
          if (part.type === 'response-metadata') return undefined;
          if (part.type === 'usage') part = { type: 'usage', usage };
          else if (part.type === 'finish') part = { ...part, recovered: recovery };
        }
        seen.push(part);
        return part;
      };
      for (;;) {
        try {
          for (const part of opened.buffered) {
            const shown = accept(part);
            if (shown) yield shown;
          }
          for (;;) {
            const next = await opened.rest.next();
            if (next.done) break;
            if (next.value.type === 'error') throw next.value.error;
            const shown = accept(next.value);
            if (shown) yield shown;
          }
          if (!seen.some((part) => part.type === 'finish')) {
            throw new InfermuxError({
              code: 'provider_stream_interrupted',
              message: `${won.target.provider} ended the stream without a finish event: the answer is truncated`,
              provider: won.target.provider,
            });
          }
          break;
        } catch (caught) {
          const broken = won.target;
          const rescued = await this.rescue(caught, broken, seen);
          opened = hold(rescued);
          recovery = describeRecovery(call.attempts, broken, rescued, deliveredText(seen).length);
        }
      }
      const { target } = won;
      const output = validateOutput(task, collectStream(task, seen, { model: target.model.id }), target.provider);
      this.settleAttempt();
      const envelope = call.envelope(won, served as ResolvedModel, usage, output);
      if (recovery) {
        envelope.warnings.push(recoveryWarning(recovery));
        call.recovered = recovery;
      }
      const runResult = await call.settle(envelope);
      completed = true;
      this.resolveResult(runResult);
    } catch (caught) {
      const error = InfermuxError.from(caught, { code: 'gateway_internal' });
      this.rejectResult(error);
      if (!committed) {
        call.end({ error });
        throw error;
      }
      // Content already reached the caller: say in-band that the answer is cut short.
      this.settleAttempt(error);
      call.end({
        error,
        provider: committed.provider,
        model: served,
        usage,
        cost: call.costOf(committed, served ?? committed.model, usage),
      });
      yield { type: 'error', error };
    } finally {
      if (!this.settled) {
        // The consumer stopped reading: there is no whole result to give.
        const error = new InfermuxError({
          code: 'caller_aborted',
          message: 'The stream was not read to the end; the upstream request was cancelled',
        });
        this.rejectResult(error);
        this.settleAttempt(error);
        call.end({ error, provider: committed?.provider, model: served, usage });
      }
      // A stream read to its end needs no abort (the upstream is done, and an abort dispatches an
      // event through every listener: measurable per stream); one cut short or broken does.
      if (!completed) this.cancel(streamFinished);
      this.release();
    }
  }
}

async function* texts(parts: AsyncIterable<StreamPart>): AsyncGenerator<string> {
  for await (const part of parts) {
    if (part.type === 'text-delta') yield part.text;
    else if (part.type === 'error') throw part.error;
  }
}
