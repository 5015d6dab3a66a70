import { InfermuxError } from '../errors/infermux-error';
import type { ProviderStreamResult, ProviderV1, StreamPart } from '../provider/provider';
import type { Attempt, RecoveryStrategy, StreamRecovery, Warning } from '../result/result-envelope';
import { resolveRetryPolicy } from '../routing/retry-policy';
import type { RouteTarget } from '../routing/route';
import type { ExecuteRequest } from '../routing/router';
import type { StreamRecoveryConfig } from '../routing/routing-config';
import { type OpenedStream, readUntilContent } from '../routing/stream-failover';
import type { TaskId, TaskInput } from '../tasks/task-registry';
import type { Deadline } from '../transport/timeouts';
import type { RequestOptions } from './client-types';
import type { Attempted, RoutedCall, Won } from './routed-call';

export type StreamCall = RoutedCall<TaskId, RequestOptions<TaskId>, ProviderStreamResult, OpenedStream>;
export type RecoveredWon = Won<ProviderStreamResult, OpenedStream> & { strategy: RecoveryStrategy };

/** Tasks whose streams can be continued or matched: one text answer. */
const recoverableTasks = new Set<TaskId>(['chat-completion', 'text-generation']);

/**
 * Whether a broken stream may be rescued: the route asks for it, the task is one text answer, the
 * break is one another target could do better on (retryable: a cut, a stall, an upstream error; never
 * a content filter or the caller's abort), and what was delivered is plain text of the first choice
 * (a tool call or a second choice cannot be spliced).
 */
export function canRecover(call: StreamCall, error: InfermuxError, delivered: readonly StreamPart[]): boolean {
  if (!call.route.streamRecovery || !recoverableTasks.has(call.task)) return false;
  if (!error.retryable || call.signal?.aborted) return false;
  return delivered.every(
    (part) => part.type !== 'tool-call-delta' && part.type !== 'finish' && (part.type !== 'text-delta' || !part.choice),
  );
}

/** A target takes an assistant prefill when its route config says so, else when its adapter declares it. */
export function acceptsPrefill(provider: ProviderV1, task: TaskId, target: RouteTarget): boolean {
  return target.prefill ?? provider.tasks[task]?.prefill === true;
}

/** The request that asks for the rest of `text`: an assistant prefill (chat), or the prompt extended (text-generation). */
export function continuationInput<T extends TaskId>(task: T, input: TaskInput<T>, text: string): TaskInput<T> {
  if (task === 'text-generation') {
    const generation = input as TaskInput<'text-generation'>;
    return { ...generation, inputs: generation.inputs + text } as TaskInput<T>;
  }
  const chat = input as TaskInput<'chat-completion'>;
  return { ...chat, messages: [...chat.messages, { role: 'assistant', content: text }] } as TaskInput<T>;
}

/** A prefill the target refused: a 4xx about the request, not its health (another strategy may follow). */
function isPrefillRejection(error: unknown): boolean {
  return (
    InfermuxError.isInstance(error) &&
    (error.code === 'caller_request_rejected' || error.code === 'caller_invalid_input')
  );
}

/**
 * Reads a restarted stream up to the seam: its text must begin with exactly `delivered`. Returns the
 * stream from there on (the surplus past the seam as its first part); a stream that says anything
 * else, or finishes first, has diverged (not retryable: the answer is not deterministic here).
 */
export async function readPastDelivered(
  stream: AsyncIterable<StreamPart>,
  provider: string,
  delivered: string,
): Promise<OpenedStream> {
  const iterator = stream[Symbol.asyncIterator]();
  let seen = '';
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) throw diverged(provider, seen.length, 'ended');
      const part = next.value;
      if (part.type === 'error') throw part.error;
      if (part.type === 'tool-call-delta' || part.type === 'finish' || (part.type === 'text-delta' && part.choice)) {
        throw diverged(provider, seen.length, part.type);
      }
      if (part.type !== 'text-delta') continue;
      seen += part.text;
      if (seen.length < delivered.length) {
        if (!delivered.startsWith(seen)) throw diverged(provider, seen.length, 'text');
        continue;
      }
      if (!seen.startsWith(delivered)) throw diverged(provider, seen.length, 'text');
      const surplus = seen.slice(delivered.length);
      if (surplus.length > 0) return { buffered: [{ ...part, text: surplus }], rest: iterator };
      // Exactly at the seam: the next content part opens the rest.
      const opened = await readUntilContent({ [Symbol.asyncIterator]: () => iterator }, provider);
      return opened;
    }
  } catch (error) {
    await iterator.return?.();
    throw error;
  }
}

/** What the caller is told: which target broke and why, which finished the answer, and how. */
export function describeRecovery(
  attempts: readonly Attempt[],
  broken: RouteTarget,
  rescued: RecoveredWon,
  deliveredChars: number,
): StreamRecovery {
  const failed = attempts.findLast(
    (attempt) => attempt.provider === broken.provider && attempt.model === broken.label && attempt.errorCode,
  );
  return {
    strategy: rescued.strategy,
    from: {
      provider: broken.provider,
      model: broken.label,
      errorCode: failed?.errorCode ?? 'provider_stream_interrupted',
    },
    to: { provider: rescued.target.provider, model: rescued.target.label },
    deliveredChars,
  };
}

export function recoveryWarning(recovery: StreamRecovery): Warning {
  return {
    code: 'stream_recovered',
    message: `The stream from ${recovery.from.provider}:${recovery.from.model} broke (${recovery.from.errorCode}) after ${recovery.deliveredChars} characters; ${recovery.to.provider}:${recovery.to.model} finished it (${recovery.strategy})`,
  };
}

/** The broken stream's error, as the caller sees it when nothing could rescue it. */
export function unrecovered(error: InfermuxError, failed: unknown): InfermuxError {
  return new InfermuxError({
    code: error.code,
    message: `${error.message} (stream recovery failed: ${InfermuxError.from(failed, { code: 'gateway_internal' }).message})`,
    provider: error.provider,
    status: error.status,
    retryable: error.retryable,
    details: { ...error.details, recovery: 'failed' },
    cause: error,
  });
}

function diverged(provider: string, atChars: number, what: string): InfermuxError {
  return new InfermuxError({
    code: 'provider_stream_interrupted',
    message: `${provider} restarted the answer but it differs from the text already delivered (at character ${atChars}, ${what}): not spliced`,
    provider,
    retryable: false,
    details: { recovery: 'diverged', atChars },
  });
}

/**
 * Rescues a stream that broke after the caller received `delivered` from `broken`: through the
 * router (breakers, limits, attempts, events), over the route's other targets, within what is left of
 * the route's attempt budget and deadline. Each target continues from a prefill when it takes one
 * (a refusal is recorded as an attempt and the same target restarts instead), else restarts and is
 * matched. Resolves with the new stream opened past the seam; rejects when nothing could rescue it.
 */
export async function recoverStream(
  call: StreamCall,
  broken: RouteTarget,
  delivered: string,
  config: StreamRecoveryConfig,
  /** The call whose attempts and start count against the budget (a forward's, when `call` serves it). */
  origin: { attempts: Attempt[]; startedAt: number } = call,
): Promise<RecoveredWon> {
  const { services, route } = call;
  const policy = resolveRetryPolicy(services.retryPolicy, route.retry);
  const attemptsLeft = policy.maxAttempts - origin.attempts.length;
  const timeLeft = policy.deadlineMs - (Date.now() - origin.startedAt);
  const targets = route.targets.filter((target) => target.key !== broken.key);
  if (attemptsLeft <= 0 || timeLeft <= 0 || targets.length === 0) {
    throw new InfermuxError({
      code: 'gateway_all_targets_failed',
      message: `No recovery left on route "${route.name}" (${attemptsLeft} attempts, ${Math.max(0, timeLeft)} ms, ${targets.length} other targets)`,
    });
  }
  const allowContinue = config.continue !== false;
  const allowRestart = config.restart !== false;
  const strategies = new Map<string, RecoveryStrategy>();
  const input = call.input as TaskInput<TaskId>;
  const continued = continuationInput(call.task, input, delivered);
  const openPast = (streamed: ProviderStreamResult, provider: ProviderV1) =>
    readPastDelivered(streamed.stream, provider.name, delivered);

  const run = async (target: RouteTarget, signal: AbortSignal | undefined, deadline: Deadline) => {
    const provider = services.registry.get(target.provider);
    if (allowContinue && acceptsPrefill(provider, call.task, target)) {
      const startedAt = Date.now();
      try {
        const value = await call.attemptWith(target, signal, deadline, continued);
        strategies.set(target.key, 'continue');
        return value;
      } catch (error) {
        if (!allowRestart || !isPrefillRejection(error)) throw error;
        // The refusal is an attempt of its own in the ledger, never the caller's final error.
        const rejected = InfermuxError.from(error, { code: 'caller_request_rejected' });
        origin.attempts.push({
          provider: target.provider,
          model: target.label,
          startedAt,
          durationMs: Date.now() - startedAt,
          errorCode: rejected.code,
          ...(typeof rejected.details?.upstreamStatus === 'number' ? { status: rejected.details.upstreamStatus } : {}),
        });
      }
    }
    if (!allowRestart) {
      throw new InfermuxError({
        code: 'caller_unsupported',
        message: `${target.provider} takes no assistant prefill and streamRecovery.restart is off`,
        provider: target.provider,
      });
    }
    const value = await call.attemptWith(target, signal, deadline, input, openPast);
    strategies.set(target.key, 'restart');
    return value;
  };

  const request: ExecuteRequest<Attempted<ProviderStreamResult, OpenedStream>> = {
    requestId: call.requestId,
    task: call.task,
    signal: call.signal,
    attempts: origin.attempts,
    hedge: false,
    holdSignal: true,
    resendable: () => true,
    route: {
      ...route,
      targets,
      retry: { ...route.retry, maxAttempts: attemptsLeft, deadlineMs: Math.ceil(timeLeft) },
    },
    run,
  };
  const won = await services.router.execute(request);
  return { ...won, strategy: strategies.get(won.target.key) ?? 'restart' };
}
