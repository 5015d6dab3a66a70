import type { BinaryData, TaskId } from '@infermux/core';

/**
 * Where the HF wire shape differs from the core output: the serverless API wraps these
 * in a list (one entry per input). Everything else goes out as core returns it.
 */
const listWrapped = new Set<TaskId>(['text-classification', 'summarization', 'translation', 'text-generation']);
/** Answers that are one object per input: a list of inputs already gave their list (wire/hf §6), sent as it is. */
const objectPerInput = new Set<TaskId>(['summarization', 'translation', 'text-generation']);

function wrapsInList(task: TaskId, output: unknown): boolean {
  return listWrapped.has(task) && !(objectPerInput.has(task) && Array.isArray(output));
}

export type HfReply = { kind: 'json'; body: string } | { kind: 'binary'; data: Uint8Array; contentType: string };

function binaryField(output: unknown): BinaryData | undefined {
  if (!output || typeof output !== 'object' || Array.isArray(output)) return undefined;
  const values = Object.values(output);
  const candidate = values.length === 1 ? values[0] : undefined;
  if (
    candidate &&
    typeof candidate === 'object' &&
    (candidate as BinaryData).data instanceof Uint8Array &&
    typeof (candidate as BinaryData).contentType === 'string'
  ) {
    return candidate as BinaryData;
  }
  return undefined;
}

/** Core output → the bytes HF's API would have sent: JSON in its shape, or the raw image/audio/video. */
export function hfReply(task: TaskId, output: unknown): HfReply {
  const binary = binaryField(output);
  if (binary) return { kind: 'binary', data: binary.data, contentType: binary.contentType };
  return { kind: 'json', body: JSON.stringify(wrapsInList(task, output) ? [output] : output) };
}
