import type { ResolvedModel, Warning } from '../result/result-envelope';
import type { Usage } from '../result/usage';
import type { TaskId } from '../tasks/task-registry';
import type { ProviderCallOptions } from './provider';

/**
 * Wire formats a provider can answer in verbatim. A gateway whose caller speaks the same
 * format as the upstream can then relay the upstream's bytes instead of mapping the answer
 * to the task output and back (the costliest part of a gateway's request path).
 */
export type WireFormat = 'openai';

export interface ForwardCallOptions<T extends TaskId = TaskId> extends ProviderCallOptions<T> {
  wire: WireFormat;
  stream: boolean;
}

/** One chunk of a forwarded stream, as the upstream framed it. */
export interface ForwardChunk {
  bytes: Uint8Array;
  /**
   * True once the answer has begun (text, a tool call or a finish): chunks before it may be
   * dropped and the request sent elsewhere without the caller noticing.
   */
  content: boolean;
}

export interface ProviderForwardResult {
  /** The upstream's content type (`application/json`, `text/event-stream`). */
  contentType: string;
  /**
   * The whole answer (already checked to be a well-formed answer of the wire format), or the
   * stream's chunks. A stream that breaks after its start throws from its iterator.
   */
  body: Uint8Array | AsyncIterable<ForwardChunk>;
  /** Usage read from the answer; for streams, complete once the stream has been read to its end. */
  usage(): Usage;
  model?: ResolvedModel;
  warnings?: Warning[];
  requestId?: string;
  firstByteMs?: number;
}
