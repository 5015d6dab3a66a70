import type { z } from 'zod';
import { InfermuxError } from '../errors/infermux-error';
import { audioClassification } from './audio-classification';
import { automaticSpeechRecognition } from './automatic-speech-recognition';
import { chatCompletion } from './chat-completion';
import type { TaskDefinition } from './define-task';
import { documentQuestionAnswering } from './document-question-answering';
import { featureExtraction } from './feature-extraction';
import { fillMask } from './fill-mask';
import { imageClassification } from './image-classification';
import { imageGeneration } from './image-generation';
import { imageSegmentation } from './image-segmentation';
import { imageToImage } from './image-to-image';
import { imageToText } from './image-to-text';
import { objectDetection } from './object-detection';
import { questionAnswering } from './question-answering';
import { sentenceSimilarity } from './sentence-similarity';
import { summarization } from './summarization';
import { tableQuestionAnswering } from './table-question-answering';
import { textClassification } from './text-classification';
import { textGeneration } from './text-generation';
import { textToImage } from './text-to-image';
import { textToSpeech } from './text-to-speech';
import { textToVideo } from './text-to-video';
import { tokenClassification } from './token-classification';
import { translation } from './translation';
import { videoGeneration } from './video-generation';
import { visualQuestionAnswering } from './visual-question-answering';
import { zeroShotClassification } from './zero-shot-classification';
import { zeroShotImageClassification } from './zero-shot-image-classification';

/** Every task infermux knows. Adding a task = a file beside this one + one line here. */
const allTasks = [
  textClassification,
  tokenClassification,
  zeroShotClassification,
  fillMask,
  questionAnswering,
  tableQuestionAnswering,
  summarization,
  translation,
  textGeneration,
  chatCompletion,
  featureExtraction,
  sentenceSimilarity,
  imageClassification,
  zeroShotImageClassification,
  objectDetection,
  imageSegmentation,
  imageToText,
  imageToImage,
  textToImage,
  textToVideo,
  automaticSpeechRecognition,
  audioClassification,
  textToSpeech,
  visualQuestionAnswering,
  documentQuestionAnswering,
  imageGeneration,
  videoGeneration,
] as const;

type AllTasks = (typeof allTasks)[number];

export type TaskId = AllTasks['id'];
export type TaskMap = { [T in AllTasks as T['id']]: T };
/** What a caller passes (before defaults). */
export type TaskInput<T extends TaskId> = z.input<TaskMap[T]['input']>;
/** What a caller gets back. */
export type TaskOutput<T extends TaskId> = z.output<TaskMap[T]['output']>;

export const taskRegistry: { readonly [T in TaskId]: TaskMap[T] } = Object.freeze(
  Object.fromEntries(allTasks.map((task) => [task.id, task])) as { [T in TaskId]: TaskMap[T] },
);

export const taskIds = allTasks.map((task) => task.id) as TaskId[];

export function isTaskId(value: unknown): value is TaskId {
  return typeof value === 'string' && Object.hasOwn(taskRegistry, value);
}

export function getTask(id: string): TaskDefinition {
  if (!isTaskId(id)) {
    throw unknownTask(id);
  }
  return taskRegistry[id] as TaskDefinition;
}

function unknownTask(id: string): InfermuxError {
  return new InfermuxError({
    code: 'caller_unknown_task',
    message: `Unknown task "${id}". Known tasks: ${taskIds.join(', ')}.`,
    details: { task: id },
  });
}
