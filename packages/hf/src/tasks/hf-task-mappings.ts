import type { TaskId } from '@infermux/core';
import { audioClassification } from './audio-classification';
import { automaticSpeechRecognition } from './automatic-speech-recognition';
import { chatCompletion } from './chat-completion';
import { documentQuestionAnswering } from './document-question-answering';
import { featureExtraction } from './feature-extraction';
import { fillMask } from './fill-mask';
import { imageClassification } from './image-classification';
import { imageSegmentation } from './image-segmentation';
import { imageToImage } from './image-to-image';
import { imageToText } from './image-to-text';
import { objectDetection } from './object-detection';
import { questionAnswering } from './question-answering';
import { sentenceSimilarity } from './sentence-similarity';
import { summarization } from './summarization';
import { tableQuestionAnswering } from './table-question-answering';
import type { HfTaskMapping } from './task-mapping';
import { textClassification } from './text-classification';
import { textGeneration } from './text-generation';
import { textToImage } from './text-to-image';
import { textToSpeech } from './text-to-speech';
import { tokenClassification } from './token-classification';
import { translation } from './translation';
import { visualQuestionAnswering } from './visual-question-answering';
import { zeroShotClassification } from './zero-shot-classification';
import { zeroShotImageClassification } from './zero-shot-image-classification';

/**
 * The core tasks Hugging Face serves, each with its wire mapping. Not here: `image-generation` and
 * `video-generation` (OpenAI/EvoLink-shaped), and `text-to-video`, which hf-inference does not serve
 * (wire/hf §5.21: only third-party providers, each with its own format).
 */
export type HfTaskId = Exclude<TaskId, 'image-generation' | 'video-generation' | 'text-to-video'>;

export const hfTaskMappings = {
  'text-classification': textClassification,
  'token-classification': tokenClassification,
  'zero-shot-classification': zeroShotClassification,
  'fill-mask': fillMask,
  'question-answering': questionAnswering,
  'table-question-answering': tableQuestionAnswering,
  summarization,
  translation,
  'text-generation': textGeneration,
  'chat-completion': chatCompletion,
  'feature-extraction': featureExtraction,
  'sentence-similarity': sentenceSimilarity,
  'image-classification': imageClassification,
  'zero-shot-image-classification': zeroShotImageClassification,
  'object-detection': objectDetection,
  'image-segmentation': imageSegmentation,
  'image-to-text': imageToText,
  'image-to-image': imageToImage,
  'text-to-image': textToImage,
  'automatic-speech-recognition': automaticSpeechRecognition,
  'audio-classification': audioClassification,
  'text-to-speech': textToSpeech,
  'visual-question-answering': visualQuestionAnswering,
  'document-question-answering': documentQuestionAnswering,
} as const satisfies { [T in HfTaskId]: HfTaskMapping<T> };

export function hfTaskMapping<T extends TaskId>(task: T): HfTaskMapping<T> | undefined {
  return Object.hasOwn(hfTaskMappings, task)
    ? (hfTaskMappings as unknown as Record<string, HfTaskMapping<T>>)[task]
    : undefined;
}
