import { type Client, InfermuxError, isTaskId, type ModelRef, type ProviderV1, type TaskId } from '@infermux/core';

/** Hub pipeline tags that name an infermux task differently. */
const pipelineAliases: Record<string, TaskId> = {
  'text-to-audio': 'text-to-speech',
  'text2text-generation': 'text-generation',
  'image-text-to-text': 'chat-completion',
};

interface ModelInfoLike {
  pipelineTag?: string;
  pipeline_tag?: string | null;
  conversational?: boolean;
  tags?: string[];
}

/** Providers that can describe a model (the HF Hub does) expose an optional `modelInfo`. */
type WithModelInfo = ProviderV1 & {
  modelInfo(options: { model: ModelRef; signal?: AbortSignal }): Promise<ModelInfoLike>;
};

const describes = (provider: ProviderV1): provider is WithModelInfo =>
  typeof (provider as Partial<WithModelInfo>).modelInfo === 'function';

/**
 * The task a model runs by default, from its metadata: `infermux run --model org/name "text"`.
 * Chat models (a `conversational` tag) get chat-completion.
 */
export async function inferTask(
  client: Client,
  model: ModelRef,
  provider?: string,
  signal?: AbortSignal,
): Promise<TaskId> {
  const named = provider ?? model.provider;
  const candidates = named ? [client.providers.get(named)] : client.providers.list();
  const describer = candidates.find(describes);
  if (!describer) {
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: `Cannot tell which task "${model.id}" runs: ${named ? `provider "${named}"` : 'no configured provider'} reports model metadata. Name the task: infermux run <task> --model ${model.id}`,
      details: { field: 'task' },
    });
  }
  const info = await describer.modelInfo({ model: { ...model, provider: undefined }, signal });
  const tag = info.pipelineTag ?? info.pipeline_tag ?? undefined;
  const conversational = info.conversational ?? info.tags?.includes('conversational') ?? false;
  if (conversational && (tag === 'text-generation' || tag === 'image-text-to-text')) return 'chat-completion';
  const task = tag ? (pipelineAliases[tag] ?? tag) : undefined;
  if (task && isTaskId(task)) return task;
  throw new InfermuxError({
    code: 'caller_invalid_input',
    message: tag
      ? `"${model.id}" is a "${tag}" model, which infermux has no task for. Run \`infermux tasks\` and name one: infermux run <task> --model ${model.id}`
      : `"${model.id}" does not say which task it runs (no pipeline_tag). Name the task: infermux run <task> --model ${model.id}`,
    details: { field: 'task', pipelineTag: tag },
  });
}
