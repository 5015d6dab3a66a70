import { badRequest } from './fake-hf-error.js';
import type { FakeHfModel } from './fake-hf-models.js';
import { cosine, embed, round, softmax, unitHash } from './fake-hf-vectors.js';

/** A parsed hf-inference request: JSON `{inputs, parameters}` or a raw media body. */
export interface FakeTaskRequest {
  inputs: unknown;
  parameters: Record<string, unknown>;
  /** The whole JSON body (feature-extraction options sit at its root). */
  body: Record<string, unknown>;
  /** Raw media bytes, when the body was not JSON. */
  media?: { bytes: Buffer; contentType: string };
  /** The model asked, for its shape options (`tokenEmbeddings`, `answersWithoutOptionalFields`, …). */
  model?: FakeHfModel;
}

export type FakeTaskAnswer = { json: unknown } | { bytes: Uint8Array; contentType: string };

/** A 1×1 PNG: what image outputs and masks are made of. */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==',
  'base64',
);
/** The first bytes of a FLAC file: what text-to-speech answers. */
export const FAKE_FLAC = Buffer.from('fLaC\u0000\u0000\u0000"fake-audio', 'latin1');

function text(request: FakeTaskRequest, what = 'inputs'): string {
  if (typeof request.inputs !== 'string') throw badRequest(`${what} must be a string`);
  return request.inputs;
}

/** Binary inputs: raw body, or base64 in `inputs` (wire/hf §5 "Binary tasks"). */
function media(request: FakeTaskRequest, kind: 'image' | 'audio'): Buffer {
  if (request.media) {
    if (!request.media.contentType.startsWith(`${kind}/`) && request.media.contentType !== 'application/octet-stream') {
      throw badRequest(`Content type "${request.media.contentType}" is not a supported ${kind} format`);
    }
    return request.media.bytes;
  }
  if (typeof request.inputs === 'string' && request.inputs.length > 0) return Buffer.from(request.inputs, 'base64');
  throw badRequest(`Expected ${kind} bytes or a base64 ${kind} in "inputs"`);
}

/**
 * The texts of a text task: a string, or a list the legacy pipeline took in one call (wire/hf §6), answered one
 * item per text in input order. `one` answers a single text.
 */
function perText<T>(request: FakeTaskRequest, one: (input: string) => T): T | T[] {
  if (Array.isArray(request.inputs)) {
    if (request.inputs.length === 0 || !request.inputs.every((item) => typeof item === 'string'))
      throw badRequest('inputs must be a string or a non-empty list of strings');
    return request.inputs.map(one);
  }
  return one(text(request));
}

function topK(request: FakeTaskRequest, fallback: number): number {
  const value = request.parameters.top_k;
  return typeof value === 'number' && value > 0 ? value : fallback;
}

function labelScores(labels: readonly string[], logits: readonly number[], limit: number) {
  const scores = softmax(logits);
  return labels
    .map((label, index) => ({ label, score: round(scores[index] as number) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, limit);
}

const POSITIVE = /\b(like|love|great|good|happy|excellent|wonderful|best|amazing)\b/gi;
const NEGATIVE = /\b(hate|bad|terrible|awful|sad|worst|poor|broken|not)\b/gi;

function candidateLabels(request: FakeTaskRequest): string[] {
  const labels = request.parameters.candidate_labels;
  if (!Array.isArray(labels) || labels.length === 0 || !labels.every((label) => typeof label === 'string')) {
    throw badRequest('The following parameters are required: candidate_labels');
  }
  return labels;
}

const IMAGE_LABELS = ['tabby, tabby cat', 'Egyptian cat', 'tiger cat', 'lynx, catamount', 'Persian cat'];

/** Answers per pipeline tag, in the shapes hf-inference returns today (wire/hf §5). Deterministic from inputs. */
export const fakeTaskAnswers: Record<string, (request: FakeTaskRequest) => FakeTaskAnswer> = {
  'text-classification'(request) {
    const input = text(request);
    const logit = (input.match(POSITIVE)?.length ?? 0) - (input.match(NEGATIVE)?.length ?? 0);
    // The router wraps the list in an outer list, one per input (wire/hf §5.1).
    return { json: [labelScores(['POSITIVE', 'NEGATIVE'], [logit * 2, 0], topK(request, 2))] };
  },

  'token-classification'(request) {
    const input = text(request);
    const aggregation = request.parameters.aggregation_strategy ?? 'simple';
    const entities: unknown[] = [];
    for (const match of input.matchAll(/\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*/g)) {
      if (match.index === 0) continue; // a sentence-initial capital is not a name
      if (aggregation === 'none') {
        let offset = match.index;
        match[0].split(/\s+/).forEach((word, index) => {
          const start = input.indexOf(word, offset);
          offset = start + word.length;
          entities.push({
            entity: index === 0 ? 'B-PER' : 'I-PER',
            score: 0.9987,
            index: entities.length + 1,
            word,
            start,
            end: start + word.length,
          });
        });
      } else {
        entities.push({
          entity_group: 'PER',
          score: 0.9991,
          word: match[0],
          start: match.index,
          end: match.index + match[0].length,
        });
      }
    }
    return { json: entities };
  },

  'zero-shot-classification'(request) {
    const labels = candidateLabels(request);
    const classify = (text: string) => {
      const input = text.toLowerCase();
      const logits = labels.map(
        (label) => (input.includes(label.toLowerCase()) ? 3 : 0) + unitHash(`${input}|${label}`),
      );
      if (request.parameters.multi_label === true) {
        const scored = labels.map((label, index) => ({
          label,
          score: round(1 / (1 + Math.exp(-((logits[index] as number) - 1.5)))),
        }));
        return scored.sort((a, b) => b.score - a.score);
      }
      return labelScores(labels, logits, labels.length);
    };
    // A list: the legacy pipeline's `[{sequence, labels, scores}, …]`, one per text (wire/hf §6).
    if (Array.isArray(request.inputs)) {
      return {
        json: perText(request, (sequence) => {
          const scored = classify(sequence);
          return { sequence, labels: scored.map((item) => item.label), scores: scored.map((item) => item.score) };
        }),
      };
    }
    // Today's router shape: `[{label, score}]` sorted by score (wire/hf §5.3).
    return { json: classify(text(request)) };
  },

  'fill-mask'(request) {
    const input = text(request);
    if (!input.includes('[MASK]')) throw badRequest('No mask_token ([MASK]) found on the input');
    const words = ['no', 'yes', 'life', 'love', 'everything'];
    const scores = softmax(words.map((word) => unitHash(`${input}|${word}`) * 3));
    return {
      json: words
        .map((word, index) => ({
          sequence: input.replace('[MASK]', word).toLowerCase(),
          score: round(scores[index] as number),
          token: 2000 + index,
          token_str: word,
        }))
        .sort((a, b) => b.score - a.score)
        .slice(0, topK(request, 5)),
    };
  },

  'question-answering'(request) {
    const inputs = request.inputs as { question?: unknown; context?: unknown } | undefined;
    if (typeof inputs?.question !== 'string' || typeof inputs.context !== 'string')
      throw badRequest('inputs must be {question, context}');
    const candidates = [...inputs.context.matchAll(/\b[A-Z][a-z]+\b/g)].filter((match) => match.index !== 0);
    const answers = (candidates.length ? candidates : [...inputs.context.matchAll(/\S+/g)]).map((match, index) => ({
      answer: match[0],
      score: round(0.93 / (index + 1)),
      start: match.index as number,
      end: (match.index as number) + match[0].length,
    }));
    const limit = topK(request, 1);
    // One object for top_k 1, a list otherwise (wire/hf §5.5).
    return { json: limit === 1 ? answers[0] : answers.slice(0, limit) };
  },

  'table-question-answering'(request) {
    const inputs = request.inputs as { question?: unknown; query?: unknown; table?: unknown } | undefined;
    if (request.model?.refusesUnknownFields && inputs?.query !== undefined)
      throw badRequest('inputs: extra fields not permitted: query');
    const question = typeof inputs?.question === 'string' ? inputs.question : inputs?.query;
    const table = inputs?.table as Record<string, unknown> | undefined;
    if (typeof question !== 'string' || !table || typeof table !== 'object')
      throw badRequest('inputs must be {question, table}');
    const columns = Object.keys(table);
    const first = (table[columns[0] as string] ?? []) as string[];
    const row = Math.max(
      0,
      first.findIndex((cell) => question.toLowerCase().includes(cell.toLowerCase())),
    );
    const column = columns.length - 1;
    const cell = ((table[columns[column] as string] ?? []) as string[])[row] ?? '';
    return {
      json: { answer: `AVERAGE > ${cell}`, coordinates: [[row, column]], cells: [cell], aggregator: 'AVERAGE' },
    };
  },

  summarization(request) {
    // The first sentence, cut to `max_length` words when asked (the legacy top-level parameter, or the spec's
    // `generate_parameters.max_length`; wire/hf §5.7), one item per text.
    const generate = request.parameters.generate_parameters as Record<string, unknown> | undefined;
    const maxLength = request.parameters.max_length ?? generate?.max_length;
    const summarize = (input: string) => {
      const sentence = (input.split(/(?<=\.)\s/)[0] ?? input).trim();
      const words = sentence.split(/\s+/);
      return { summary_text: typeof maxLength === 'number' ? words.slice(0, maxLength).join(' ') : sentence };
    };
    return { json: [perText(request, summarize)].flat() };
  },

  translation(request) {
    const target = typeof request.parameters.tgt_lang === 'string' ? request.parameters.tgt_lang : 'en';
    // A flat list, one item per text in input order (wire/hf §6).
    return { json: [perText(request, (input) => ({ translation_text: `[${target}] ${input}` }))].flat() };
  },

  'feature-extraction'(request) {
    const normalize = request.body.normalize !== false;
    // A non-pooled model embeds each token: `1 × tokens × dims` per text, so a list is four levels deep
    // (`texts × 1 × tokens × dims`, as bart-base answered live; wire/hf §5.12).
    const vectors: (text: string) => unknown = request.model?.tokenEmbeddings
      ? (text) => [(text.match(/\S+/g) ?? [text]).map((token) => embed(token, normalize))]
      : (text) => embed(text, normalize);
    if (typeof request.inputs === 'string') return { json: vectors(request.inputs) };
    if (Array.isArray(request.inputs) && request.inputs.every((item) => typeof item === 'string')) {
      return { json: request.inputs.map(vectors) };
    }
    throw badRequest('inputs must be a string or a list of strings');
  },

  'sentence-similarity'(request) {
    const inputs = request.inputs as { source_sentence?: unknown; sentences?: unknown } | undefined;
    if (typeof inputs?.source_sentence !== 'string' || !Array.isArray(inputs.sentences))
      throw badRequest('inputs must be {source_sentence, sentences}');
    const source = embed(inputs.source_sentence);
    return { json: inputs.sentences.map((sentence) => cosine(source, embed(String(sentence)))) };
  },

  'image-classification'(request) {
    const bytes = media(request, 'image');
    return {
      json: labelScores(
        IMAGE_LABELS,
        IMAGE_LABELS.map((label) => unitHash(Buffer.concat([bytes, Buffer.from(label)])) * 4),
        topK(request, 5),
      ),
    };
  },

  'zero-shot-image-classification'(request) {
    const bytes = media(request, 'image');
    const labels = candidateLabels(request);
    return {
      json: labelScores(
        labels,
        labels.map((label) => unitHash(Buffer.concat([bytes, Buffer.from(label)])) * 4),
        labels.length,
      ),
    };
  },

  'object-detection'(request) {
    const bytes = media(request, 'image');
    const threshold = typeof request.parameters.threshold === 'number' ? request.parameters.threshold : 0.5;
    const size = 100 + (bytes.byteLength % 400);
    const detections = [
      { score: 0.9982, label: 'cat', box: { xmin: 12, ymin: 52, xmax: 12 + size, ymax: 52 + size } },
      { score: 0.6121, label: 'remote', box: { xmin: 40, ymin: 70, xmax: 175, ymax: 117 } },
    ];
    return { json: detections.filter((detection) => detection.score >= threshold) };
  },

  'image-segmentation'(request) {
    media(request, 'image');
    const semantic = request.parameters.subtask === 'semantic';
    const mask = TINY_PNG.toString('base64');
    return {
      json: [
        { label: 'cat', mask, score: semantic ? null : 0.9876 },
        { label: 'couch', mask, score: semantic ? null : 0.9123 },
      ],
    };
  },

  'image-to-text'(request) {
    const bytes = media(request, 'image');
    // The object form the spec documents (wire/hf §5.18).
    return { json: { generated_text: `two cats sleeping on a pink blanket (${bytes.byteLength} bytes)` } };
  },

  'image-to-image'(request) {
    media(request, 'image');
    return { bytes: TINY_PNG, contentType: 'image/png' };
  },

  'text-to-image'(request) {
    text(request, 'inputs (the prompt)');
    return { bytes: TINY_PNG, contentType: 'image/png' };
  },

  'automatic-speech-recognition'(request) {
    const bytes = media(request, 'audio');
    const transcript = ` He hoped there would be stew for dinner (${bytes.byteLength} bytes).`;
    if (request.parameters.return_timestamps === true) {
      return {
        json: { text: transcript, chunks: [{ text: transcript, timestamp: [0, round(bytes.byteLength / 16000, 2)] }] },
      };
    }
    return { json: { text: transcript } };
  },

  'audio-classification'(request) {
    const bytes = media(request, 'audio');
    const labels = ['neu', 'hap', 'ang', 'sad'];
    return {
      json: labelScores(
        labels,
        labels.map((label) => unitHash(Buffer.concat([bytes, Buffer.from(label)])) * 3),
        topK(request, 4),
      ),
    };
  },

  'text-to-speech'(request) {
    text(request);
    return { bytes: FAKE_FLAC, contentType: 'audio/flac' };
  },

  'visual-question-answering'(request) {
    const inputs = request.inputs as { image?: unknown; question?: unknown } | undefined;
    if (typeof inputs?.image !== 'string' || typeof inputs.question !== 'string')
      throw badRequest('inputs must be {image: <base64>, question}');
    const answers = [
      { answer: 'cat', score: 0.9421 },
      { answer: 'cats', score: 0.0312 },
      { answer: 'dog', score: 0.0101 },
    ];
    return { json: answers.slice(0, topK(request, 1)) };
  },

  'document-question-answering'(request) {
    const inputs = request.inputs as { image?: unknown; question?: unknown } | undefined;
    if (typeof inputs?.image !== 'string' || typeof inputs.question !== 'string')
      throw badRequest('inputs must be {image: <base64>, question}');
    // A generative model (donut) answers only the text (wire/hf §5.27).
    if (request.model?.answersWithoutOptionalFields) return { json: [{ answer: 'us-001' }] };
    return { json: [{ answer: 'us-001', score: 0.9986, start: 16, end: 16 }].slice(0, topK(request, 1)) };
  },
};
