import type { Fault, FaultHandle, FaultMatcher, FaultOptions, FaultPoint } from './fault.js';
import type { RecordedRequest } from './recorded-request.js';
import { compileRoutePattern } from './route-pattern.js';

type RequestPredicate = (request: RecordedRequest) => boolean;

class QueuedFault implements FaultHandle {
  applied = 0;

  constructor(
    readonly fault: Fault,
    readonly matches: RequestPredicate,
    public remaining: number,
  ) {}

  cancel(): void {
    this.remaining = 0;
  }
}

/** Faults in the order they were added; a request gets the first one that matches it. */
export class FaultQueue {
  private queued: QueuedFault[] = [];

  add(matcher: FaultMatcher, fault: Fault, options: FaultOptions = {}): FaultHandle {
    const times = options.times ?? 1;
    if (!(times === Number.POSITIVE_INFINITY || (Number.isInteger(times) && times > 0))) {
      throw new RangeError(`fault times must be a positive integer or Infinity, got ${times}`);
    }
    validateFault(fault);
    const queued = new QueuedFault(fault, compileMatcher(matcher), times);
    this.queued.push(queued);
    return queued;
  }

  /** The fault to apply to `request`, counted as used; `undefined` when none matches. */
  take(request: RecordedRequest): Fault | undefined {
    if (this.queued.length === 0) return undefined;
    this.queued = this.queued.filter((queued) => queued.remaining > 0);
    for (const queued of this.queued) {
      if (!queued.matches(request)) continue;
      queued.remaining -= 1;
      queued.applied += 1;
      return queued.fault;
    }
    return undefined;
  }

  clear(): void {
    for (const queued of this.queued) queued.cancel();
    this.queued = [];
  }
}

function compileMatcher(matcher: FaultMatcher): RequestPredicate {
  if (typeof matcher === 'function') return matcher;
  if (typeof matcher === 'string') {
    const separator = matcher.indexOf(' ');
    return separator === -1
      ? compileMethodAndPath(undefined, matcher)
      : compileMethodAndPath(matcher.slice(0, separator), matcher.slice(separator + 1).trim());
  }
  return compileMethodAndPath(matcher.method, matcher.path);
}

function compileMethodAndPath(method: string | undefined, path: string | RegExp | undefined): RequestPredicate {
  const wantedMethod = method === undefined || method === '*' ? undefined : method.toUpperCase();
  const matchPath = path === undefined ? undefined : compileRoutePattern(path);
  return (request) =>
    (wantedMethod === undefined || request.method === wantedMethod) &&
    (matchPath === undefined || matchPath(request.path) !== undefined);
}

/** A typo in a test's fault should fail loudly, not silently inject nothing. */
function validateFault(fault: Fault): void {
  const nonNegative = (name: string, value: number): void => {
    if (!(Number.isFinite(value) || value === Number.POSITIVE_INFINITY) || value < 0) {
      throw new RangeError(`${fault.kind} fault: ${name} must be a non-negative number, got ${value}`);
    }
  };
  const checkFaultPoint = (point: FaultPoint): void => {
    if ((point.afterBytes === undefined) === (point.afterEvents === undefined)) {
      throw new TypeError(`${fault.kind} fault: give exactly one of afterBytes and afterEvents`);
    }
    if (point.afterBytes !== undefined) nonNegative('afterBytes', point.afterBytes);
    else nonNegative('afterEvents', point.afterEvents as number);
  };
  switch (fault.kind) {
    case 'status':
      if (!Number.isInteger(fault.status) || fault.status < 100 || fault.status > 999) {
        throw new RangeError(`status fault: status must be an HTTP status code, got ${fault.status}`);
      }
      return;
    case 'delay-headers':
      nonNegative('ms', fault.ms);
      return;
    case 'cut-body':
      checkFaultPoint(fault);
      return;
    case 'slow-body':
      nonNegative('delayMs', fault.delayMs);
      if (!Number.isInteger(fault.chunkBytes) || fault.chunkBytes < 1) {
        throw new RangeError(`slow-body fault: chunkBytes must be a positive integer, got ${fault.chunkBytes}`);
      }
      return;
    case 'stall-mid-stream':
      checkFaultPoint(fault);
      nonNegative('ms', fault.ms);
      return;
    case 'inject-bytes':
      checkFaultPoint(fault);
      return;
    case 'reset':
    case 'malformed-json':
      return;
    default:
      throw new TypeError(`unknown fault kind: ${JSON.stringify((fault as { kind: unknown }).kind)}`);
  }
}
