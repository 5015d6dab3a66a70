import { InfermuxError } from '../errors/infermux-error';
import type { StreamPart } from '../provider/provider';
import type { ResolvedModel, RunResult, Warning } from '../result/result-envelope';
import { addUsage, type Usage } from '../result/usage';
import type { RouteTarget } from '../routing/route';
import { readUntilContent } from '../routing/stream-failover';
import type { TaskId } from '../tasks/task-registry';
import { type ClientCore, routeLabel } from './client-core';
import type { RequestOptions, StreamResult } from './client-types';
import { collectStream } from './collect-stream';

/** One shared abort reason: creating an Error (and its stack) per finished stream is measurable. */
const streamFinished = new Error('stream finished');

export function openStream<T extends TaskId>(core: ClientCore, task: T, request: RequestOptions<T>): StreamResult<T> {
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
  const context = core.newContext('stream', request?.requestId);
  const routeName = routeLabel(request);
  // The router's signal for the winning attempt follows the caller's; `cancel` aborts it when the
  // consumer stops early or the stream fails after content, so no controller of our own is needed.
  let release = (): void => undefined;
  let cancel = (_reason: unknown): void => undefined;

  async function* parts(): AsyncGenerator<StreamPart> {
    let committed: { target: RouteTarget; provider: string } | undefined;
    let usage: Usage = {};
    let served: ResolvedModel | undefined;
    let completed = false;
    try {
      core.checkRequest(request);
      const input = await core.prepareInput(task, request.input, request.signal);
      const route = core.resolveRoute(task, request);
      const revisionPolicy = request.revisionPolicy ?? core.options.revisionPolicy ?? 'warn';
      const {
        value,
        target,
        release: releaseAttempt,
        abort,
      } = await core.router.execute({
        requestId: context.requestId,
        task,
        route,
        signal: request.signal,
        resendable: () => true,
        hedge: false,
        holdSignal: true,
        attempts: context.attempts,
        run: async (target, attemptSignal, deadline) => {
          const provider = core.registry.get(target.provider);
          if (!provider.doStream) throw core.unsupported(provider, 'stream', task);
          const { resolved, resolveWarnings, model } = await core.resolveTargetModel(
            provider,
            task,
            target,
            revisionPolicy,
            attemptSignal,
            deadline,
          );
          const streamed = await provider.doStream({
            task,
            model,
            input,
            signal: attemptSignal,
            headers: request.headers,
            timeouts: core.timeoutsFor(target, request, deadline),
            revisionPolicy,
          });
          return {
            streamed,
            resolved,
            resolveWarnings,
            opened: await readUntilContent(streamed.stream, provider.name),
          };
        },
      });
      release = releaseAttempt;
      cancel = abort;
      committed = { target, provider: target.provider };
      served = value.streamed.model ??
        value.resolved ?? { id: target.model.id, revision: target.model.revision, pinned: false };
      const seen: StreamPart[] = [];
      const accept = (part: StreamPart) => {
        if (part.type === 'usage') usage = addUsage(usage, part.usage);
        seen.push(part);
      };
      for (const part of value.opened.buffered) {
        accept(part);
        yield part;
      }
      for (;;) {
        const next = await value.opened.rest.next();
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
      const output = core.validateOutput(task, collectStream(task, seen, { model: target.model.id }), target.provider);
      await core.consumeTokens(target.provider, usage);
      const runResult: RunResult<T> = {
        task,
        output,
        usage,
        cost: core.costOf(target, served, usage),
        warnings: [...value.resolveWarnings, ...(value.streamed.warnings ?? [])] as Warning[],
        provider: target.provider,
        model: served,
        requestId: value.streamed.requestId,
        timing: {
          startedAt: context.startedAt,
          durationMs: Date.now() - context.startedAt,
          firstByteMs: value.streamed.firstByteMs,
        },
        attempts: context.attempts,
        cached: false,
      };
      completed = true;
      core.emitEnd(context, task, routeName, { result: runResult });
      resolveResult(runResult);
    } catch (caught) {
      const error = InfermuxError.from(caught, { code: 'gateway_internal' });
      rejectResult(error);
      if (!committed) {
        core.emitEnd(context, task, routeName, { error });
        throw error;
      }
      // Content already reached the caller: say in-band that the answer is cut short.
      core.router.reportLateFailure(committed.target, error, context.requestId);
      core.emitEnd(context, task, routeName, {
        error,
        provider: committed.provider,
        model: served,
        usage,
        cost: core.costOf(committed.target, served ?? committed.target.model, usage),
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
        core.emitEnd(context, task, routeName, { error, provider: committed?.provider, model: served, usage });
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
