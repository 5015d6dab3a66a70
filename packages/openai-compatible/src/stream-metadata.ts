import type { StreamPart } from '@infermux/core';

/** Per-stream state: metadata is emitted once, from the first chunk. */
export interface ChatStreamState {
  provider: string;
  metadataSent?: boolean;
}

/** Adds a `response-metadata` part for the first chunk of a stream that names its id or model. */
export function pushMetadataOnce(
  parts: StreamPart[],
  chunk: { id?: string; model?: string; created?: number },
  state: ChatStreamState,
): void {
  if (state.metadataSent || !(chunk.id || chunk.model)) return;
  state.metadataSent = true;
  parts.push({ type: 'response-metadata', id: chunk.id, model: chunk.model, created: chunk.created });
}
