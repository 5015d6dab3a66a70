import type { z } from 'zod';

export interface TaskFlags {
  /** Output can be delivered incrementally (`client.stream`). */
  streaming?: boolean;
  /** Runs as a job: submit, poll, fetch (`client.submit`). */
  async?: boolean;
  /** `inputs` may be an array; results come back per input. */
  batchable?: boolean;
  /** Same input + same model revision gives the same output: safe to cache and hedge. */
  deterministic?: boolean;
}

export interface TaskDefinition<
  Id extends string = string,
  Input extends z.ZodType = z.ZodType,
  Output extends z.ZodType = z.ZodType,
> extends TaskFlags {
  id: Id;
  /** One line for `infermux tasks`. */
  summary: string;
  /** Strict: unknown fields are an error that names them. */
  input: Input;
  /** Tolerant: extra fields from the upstream pass through. */
  output: Output;
  /** Dotted input paths that hold binary data (image/audio), resolved before the call. */
  binaryInputs?: readonly string[];
  /** The Hugging Face task spec this mirrors (`@huggingface/tasks` name), or null for OpenAI/EvoLink-shaped tasks. */
  hfSpec: string | null;
  example: { input: z.input<Input>; output: z.input<Output> };
}

/** Identity helper that keeps the literal id and schema types. */
export function defineTask<const Id extends string, Input extends z.ZodType, Output extends z.ZodType>(
  definition: TaskDefinition<Id, Input, Output>,
): TaskDefinition<Id, Input, Output> {
  return definition;
}
