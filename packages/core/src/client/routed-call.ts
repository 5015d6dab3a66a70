import { resolveBinaryFields } from '../binary/resolve-binary';
import { InfermuxError } from '../errors/infermux-error';
import type { ProviderOperation } from '../errors/unsupported-operation';
import { parseWith } from '../errors/validation-error';
import { formatModelRef, type ModelRef } from '../model/model-ref';
import type { ProviderCallOptions, ProviderV1, RevisionPolicy } from '../provider/provider';
import { isVouchedOutput } from '../provider/vouched-output';
import type { Attempt, Cost, ResolvedModel, RunResult, StreamRecovery, Warning } from '../result/result-envelope';
import type { Usage } from '../result/usage';
import { FirstTokenLimit } from '../routing/first-token-limit';
import { costUnknownWarning } from '../routing/price-table';
import type { Route, RouteTarget } from '../routing/route';
import type { ExecuteRequest, ExecuteResult } from '../routing/router';
import type { RequestKind } from '../routing/routing-events';
import { getTask, type TaskId, type TaskInput, type TaskOutput } from '../tasks/task-registry';
import type { AttemptTimeouts, Deadline } from '../transport/timeouts';
import { type CallServices, revisionPolicyOf } from './call-services';
import type { RequestOptions } from './client-types';

/** What every routed request carries, whatever the operation. */
export type RoutedRequest = Pick<
  RequestOptions<TaskId>,
  'model' | 'provider' | 'signal' | 'headers' | 'timeouts' | 'revisionPolicy' | 'requestId' | 'credentials'
>;

/** What a provider's answer carries that the result envelope reports. */
export interface ProviderAnswer {
  model?: ResolvedModel;
  warnings?: Warning[];
  requestId?: string;
  firstByteMs?: number;
}

/**
 * What one operation (run, stream, batch, submit, forward) does within an attempt; everything else
 * about an attempt (the provider, its model, time limits, revision policy) is the pipeline's. Run,
 * stream and forward use module constants, so an attempt makes no closure for them.
 */
export interface AttemptStep<T extends TaskId, R extends RoutedRequest, V extends ProviderAnswer, O = undefined> {
  /** The provider method this step needs (named by `caller_unsupported` errors as `details.operation`). */
  operation: ProviderOperation;
  /** What the provider cannot do for this request (for `caller_unsupported`), or undefined when it can. */
  lacks(provider: ProviderV1, call: RoutedCall<T, R, V, O>): string | undefined;
  /** The provider's call. */
  call(
    provider: ProviderV1,
    options: ProviderCallOptions<T>,
    call: RoutedCall<T, R, V, O>,
    target: RouteTarget,
  ): Promise<V>;
  /** Checks the answer within the attempt, so a bad one fails over (run's output validation); may replace it. */
  accept?(answer: V, provider: ProviderV1, call: RoutedCall<T, R, V, O>): V;
  /**
   * Reads a stream up to its first content within the attempt, so a failure before it fails over
   * unseen; undefined (no promise, no await) when there is nothing to open.
   */
  open?(answer: V, provider: ProviderV1): Promise<O> | undefined;
}

/** The winning attempt's value: the provider's answer, what `open` read, and how the model was resolved. */
export interface Attempted<V, O> {
  answer: V;
  opened: O | undefined;
  resolved: ResolvedModel | undefined;
  resolveWarnings: Warning[];
}

export type Won<V, O> = ExecuteResult<Attempted<V, O>>;

const resendAlways = (): boolean => true;

/**
 * One call through a route: the request checked and its input prepared, the route and the
 * revision policy resolved once, each attempt's provider, model and time limits, the
 * context-length fallback, the result envelope, token charging, cost and `request-end`. The
 * operations supply their attempt step (`AttemptStep`) and settle the winner themselves.
 *
 * It is also the router's request (`run` is the attempt), so a call makes one object for both.
 */
export class RoutedCall<T extends TaskId, R extends RoutedRequest, V extends ProviderAnswer, O = undefined>
  implements ExecuteRequest<Attempted<V, O>>
{
  readonly requestId: string;
  /** The alias or model reference the call asked for, as events report it. */
  label: string;
  readonly startedAt = Date.now();
  readonly attempts: Attempt[] = [];
  readonly signal: AbortSignal | undefined;
  readonly revisionPolicy: RevisionPolicy;
  /** Set once the input is prepared. */
  input: TaskInput<T> | undefined = undefined;
  /** Set by `resolveRoute`. */
  route!: Route;
  hedge = false;
  holdSignal = false;
  resendable: (target: RouteTarget) => boolean = resendAlways;
  /** Set when a broken stream was rescued: `request-end` reports it. */
  recovered: StreamRecovery | undefined = undefined;
  /** 1 once routed to the context-length fallback, which falls back no further. */
  #fallbackDepth = 0;

  constructor(
    readonly services: CallServices,
    readonly task: T,
    /** The caller's request, as given (checked by `check`). */
    public request: R,
    readonly step: AttemptStep<T, R, V, O>,
    readonly kind: RequestKind,
  ) {
    this.requestId = isOwnRequestId(request?.requestId) ? request.requestId : crypto.randomUUID();
    this.label = routeLabel(request);
    this.signal = request?.signal;
    this.revisionPolicy = revisionPolicyOf(services, request);
  }

  /** The request is an object with a usable `requestId`. */
  check(): void {
    const request: unknown = this.request;
    if (request === null || typeof request !== 'object') {
      throw new InfermuxError({ code: 'caller_invalid_input', message: 'Expected a request object { model, input }' });
    }
    const { requestId } = request as { requestId?: unknown };
    if (requestId !== undefined && !isOwnRequestId(requestId)) {
      throw new InfermuxError({
        code: 'caller_invalid_input',
        message: `requestId: expected a string of 1–128 characters, got ${typeof requestId === 'string' ? `${requestId.length} characters` : typeof requestId}`,
        details: { field: 'requestId' },
      });
    }
  }

  /** Resolves the route (a configured alias or the model itself) under the call's revision policy. */
  resolveRoute(): Route {
    this.route = this.services.resolveRoute(this.task, this.request, this.revisionPolicy);
    return this.route;
  }

  /** Routes the call: strategy, retries, failover, breakers, limits, hedging, each attempt through `run`. */
  execute(): Promise<Won<V, O>> {
    // A provider's price catalogue is loaded before its first call, so cost-aware ranking and the cost use it.
    const warming = this.services.prices.warm(this.route.targets);
    if (warming) return warming.then(() => this.services.router.execute(this));
    return this.services.router.execute(this);
  }

  /**
   * Runs `over` on the resolved route; when it fails because the input is too long for the model and
   * the route names a `contextLengthFallback`, once more on that. No promise is added without one.
   */
  overRoute<Out>(over: (call: this) => Promise<Out>): Promise<Out> {
    const fallback = this.resolveRoute().contextLengthFallback;
    const pending = over(this);
    if (fallback === undefined || this.#fallbackDepth > 0) return pending;
    return pending.catch((error: unknown) => {
      if (!InfermuxError.isInstance(error) || error.code !== 'caller_context_length_exceeded') throw error;
      this.#fallbackDepth = 1;
      this.request = { ...this.request, model: fallback, provider: undefined };
      return this.overRoute(over);
    });
  }

  /**
   * One attempt against one target (the router calls it): provider, model, time limits, the
   * operation's step; a stream's opening within `timeouts.firstTokenMs` when one applies.
   */
  run(target: RouteTarget, signal: AbortSignal | undefined, deadline: Deadline): Promise<Attempted<V, O>> {
    return this.attemptWith(target, signal, deadline, this.input as TaskInput<T>);
  }

  /** `run` with another input and opening (a broken stream's recovery: a prefill, a read past the delivered text). */
  attemptWith(
    target: RouteTarget,
    signal: AbortSignal | undefined,
    deadline: Deadline,
    input: TaskInput<T>,
    open: AttemptStep<T, R, V, O>['open'] = this.step.open,
  ): Promise<Attempted<V, O>> {
    const { services, request } = this;
    const provider = services.registry.get(target.provider);
    // One object per attempt, as the provider call takes it.
    const timeouts: AttemptTimeouts & { deadline: Deadline } = {
      ...services.defaults.timeouts,
      ...this.route.timeouts,
      ...target.timeouts,
      ...request.timeouts,
      deadline,
    };
    const firstTokenMs = this.holdSignal ? timeouts.firstTokenMs : undefined;
    if (firstTokenMs === undefined) return this.#attempt(provider, target, signal, timeouts, input, open);
    const limit = new FirstTokenLimit(deadline, firstTokenMs, provider.name);
    timeouts.deadline = limit;
    return limit.within(this.#attempt(provider, target, signal, timeouts, input, open));
  }

  async #attempt(
    provider: ProviderV1,
    target: RouteTarget,
    signal: AbortSignal | undefined,
    timeouts: AttemptTimeouts & { deadline: Deadline },
    input: TaskInput<T>,
    open: AttemptStep<T, R, V, O>['open'],
  ): Promise<Attempted<V, O>> {
    const { task, request, step } = this;
    const { deadline } = timeouts;
    const lacking = step.lacks(provider, this);
    if (lacking !== undefined) throw unsupported(provider, step.operation, task, lacking);
    // Awaited only when the provider resolves models (most do not): no extra turn of the microtask queue.
    const resolving = this.#resolveModel(provider, target, signal, deadline);
    const { resolved, resolveWarnings, model } = resolving instanceof Promise ? await resolving : resolving;
    let answer = await step.call(
      provider,
      {
        task,
        model,
        input,
        signal,
        headers: request.headers,
        timeouts,
        revisionPolicy: this.revisionPolicy,
        apiKey: request.credentials?.[target.provider],
      },
      this,
      target,
    );
    if (step.accept) answer = step.accept(answer, provider, this);
    let opened: O | Promise<O> | undefined = open?.(answer, provider);
    if (opened !== undefined) opened = await opened;
    return { answer, opened, resolved, resolveWarnings };
  }

  /**
   * The model to send: the target's, with the revision the provider resolved it to (HF Hub).
   * A promise only when the provider resolves models at all (most do not).
   */
  #resolveModel(
    provider: ProviderV1,
    target: RouteTarget,
    signal: AbortSignal | undefined,
    deadline: Deadline,
  ): TargetModel | Promise<TargetModel> {
    if (!provider.resolveModel) return { resolved: undefined, resolveWarnings: [], model: target.model };
    return provider
      .resolveModel({
        task: this.task,
        model: target.model,
        signal,
        revisionPolicy: this.revisionPolicy,
        timeouts: { deadline },
      })
      .then((answer) => {
        // Warnings travel beside the model, never inside the ResolvedModel a result reports.
        const { warnings = [], ...resolved } = answer;
        const model = resolved.revision ? { ...target.model, revision: resolved.revision } : target.model;
        return { resolved, resolveWarnings: warnings, model };
      });
  }

  /** The model that served the winning attempt: as the provider reported it, as it was resolved, or the target's. */
  servedModel(won: Won<V, O>): ResolvedModel {
    const { target } = won;
    return (
      won.value.answer.model ??
      won.value.resolved ?? { id: target.model.id, revision: target.model.revision, pinned: false }
    );
  }

  /**
   * The result envelope of the winning attempt. Without an output (forward) the key is there but
   * undefined: one object shape for every operation, and JSON leaves it out.
   */
  envelope(won: Won<V, O>, model: ResolvedModel, usage: Usage): Omit<RunResult<T>, 'output'>;
  envelope(won: Won<V, O>, model: ResolvedModel, usage: Usage, output: TaskOutput<T>): RunResult<T>;
  envelope(won: Won<V, O>, model: ResolvedModel, usage: Usage, output?: TaskOutput<T>): RunResult<T> {
    const { target, value } = won;
    const { answer } = value;
    const cost = this.costOf(target, model, usage);
    const warnings = [...value.resolveWarnings, ...(answer.warnings ?? [])];
    if (cost === null) warnings.push(costUnknownWarning(target.provider, target.model));
    return {
      task: this.task,
      output: output as TaskOutput<T>,
      usage,
      cost,
      warnings,
      provider: target.provider,
      model,
      requestId: answer.requestId,
      timing: { startedAt: this.startedAt, durationMs: Date.now() - this.startedAt, firstByteMs: answer.firstByteMs },
      attempts: this.attempts,
      cached: false,
    };
  }

  /** The call's cost from the first source that prices it; null when none does. The router variant is the target's. */
  costOf(target: RouteTarget, model: { id: string; revision?: string }, usage: Usage): Cost | null {
    const key = { id: model.id, revision: model.revision, variant: target.model.variant };
    return this.services.prices.costOf(target.provider, key, usage, target.price);
  }

  /** Charges usage to a tokens-per-minute limit; a promise only when the provider has one. */
  chargeTokens(provider: string, usage: Usage): Promise<void> | undefined {
    const { limiter } = this.services;
    const tokens = (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0) || (usage.totalTokens ?? 0);
    if (tokens > 0 && limiter.countsTokens(provider)) return limiter.consumeTokens(provider, tokens);
    return undefined;
  }

  /** Charges the result's tokens and reports `request-end`; a promise only when tokens are charged. */
  settle<Result extends Omit<RunResult<T>, 'output'>>(result: Result): Result | Promise<Result> {
    const charged = this.chargeTokens(result.provider, result.usage);
    if (!charged) {
      this.end({ result });
      return result;
    }
    return charged.then(() => {
      this.end({ result });
      return result;
    });
  }

  /** Reports `request-end` (when someone listens): the result, or the error with what is known of the answer. */
  end(outcome: {
    result?: Omit<RunResult, 'output'>;
    error?: unknown;
    provider?: string;
    model?: ResolvedModel;
    usage?: Usage;
    cost?: Cost | null;
  }): void {
    const { events } = this.services;
    if (!events.listensTo('request-end')) return;
    const result = outcome.result;
    const model = result?.model ?? outcome.model;
    const provider = result?.provider ?? outcome.provider;
    const cost = result?.cost ?? outcome.cost;
    const error =
      outcome.error === undefined ? undefined : InfermuxError.from(outcome.error, { code: 'gateway_internal' });
    events.emit({
      type: 'request-end',
      requestId: this.requestId,
      kind: this.kind,
      task: this.task,
      route: this.label,
      ...(provider ? { provider } : {}),
      ...(model ? { model: model.revision ? `${model.id}@${model.revision}` : model.id } : {}),
      attempts: this.attempts,
      usage: result?.usage ?? outcome.usage ?? {},
      ...(cost ? { cost } : {}),
      status: error ? 'error' : 'ok',
      ...(error ? { errorCode: error.code } : {}),
      latencyMs: Date.now() - this.startedAt,
      cached: result?.cached === true,
      ...(this.recovered ? { recovered: this.recovered } : {}),
    });
  }
}

/** The model an attempt sends, and what resolving it said. */
interface TargetModel {
  resolved: ResolvedModel | undefined;
  resolveWarnings: Warning[];
  model: ModelRef;
}

/** Validated input; a promise only when the task has binary fields to resolve (chat has none: no promise to await). */
export function prepareInput<T extends TaskId>(
  services: CallServices,
  task: T,
  input: unknown,
  signal: AbortSignal | undefined,
): TaskInput<T> | Promise<TaskInput<T>> {
  const definition = getTask(task);
  const parsed = parseWith(definition.input, input, `input for task "${task}"`) as TaskInput<T>;
  if (!definition.binaryInputs?.length) return parsed;
  return resolveBinaryFields(parsed, definition.binaryInputs, {
    allowFilePaths: services.defaults.allowFilePaths,
    transport: services.transport,
    signal,
  });
}

/**
 * The provider's output checked against the task's output schema, unless the adapter vouched for it
 * (see `vouchForOutput`: built by its own mapping, so a second zod pass could only repeat its tests).
 */
export function validateOutput<T extends TaskId>(task: T, output: unknown, provider: string): TaskOutput<T> {
  if (isVouchedOutput(output)) return output as TaskOutput<T>;
  return parseWith(getTask(task).output, output, `response from provider "${provider}" for task "${task}"`, {
    provider,
    code: 'provider_bad_response',
  }) as TaskOutput<T>;
}

/** `what` words the operation for the message when its name alone does not. */
export function unsupported(
  provider: ProviderV1,
  operation: ProviderOperation,
  task: TaskId,
  what: string = operation,
): InfermuxError {
  return new InfermuxError({
    code: 'caller_unsupported',
    message: `Provider "${provider.name}" cannot ${what} for task "${task}"`,
    provider: provider.name,
    details: { task, operation },
  });
}

/** A caller's `requestId` that events may carry: 1–128 characters. */
function isOwnRequestId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 128;
}

/** The alias or model reference a call asked for, as events report it. */
export function routeLabel(request: { model?: string | ModelRef; provider?: string } | undefined): string {
  const model = request?.model;
  if (model === undefined) return '(none)';
  const text = typeof model === 'string' ? model : formatModelRef(model);
  return request?.provider ? `${request.provider}:${text}` : text;
}
