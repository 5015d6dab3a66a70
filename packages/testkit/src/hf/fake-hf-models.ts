import { createHash } from 'node:crypto';

/** A model the fake Hugging Face knows: Hub metadata plus how its inference behaves. */
export interface FakeHfModel {
  id: string;
  /** The task it runs on hf-inference (and `pipeline_tag` on the Hub). */
  pipelineTag: string;
  /** Head commit of `main`; derived from the id when omitted. */
  sha?: string;
  /** Other refs (branches, tags, `refs/pr/1`) → commit. `main` always maps to `sha`. */
  revisions?: Record<string, string>;
  private?: boolean;
  gated?: false | 'auto' | 'manual';
  /** Tokens that may use a private or gated model (besides none). */
  allowedTokens?: readonly string[];
  tags?: readonly string[];
  libraryName?: string;
  /** `warm` when served by HF Inference; `undefined` = not deployed (the router answers 404). */
  inference?: 'warm' | undefined;
  /** The first `times` inference calls answer 503 "currently loading" with `estimated_time`. */
  loading?: { estimatedTime: number; times: number };
  /** TGI streams of this model send an error event after this many tokens. */
  streamErrorAfterTokens?: number;
  /**
   * A non-pooled model (bart-base): feature-extraction answers per token, `1 × tokens × dims` for a text and
   * `texts × 1 × tokens × dims` for a list (four levels deep, as recorded live; wire/hf §5.12).
   */
  tokenEmbeddings?: boolean;
  /** Chat streams end TGI-2-style: the finish chunk (and usage when asked), then the body closes without `[DONE]`. */
  chatStreamWithoutDone?: boolean;
  /** A generative model (donut): answers carry only their required fields, `[{"answer"}]` (wire/hf §5.27). */
  answersWithoutOptionalFields?: boolean;
  /** Ignores `stream: true`: every route answers the whole JSON body as if streaming had not been asked. */
  ignoresStream?: boolean;
  /**
   * Validates bodies strictly, as a server generated from the spec would: `stream_options` on chat → 422,
   * `inputs.query` on table question answering → 400.
   */
  refusesUnknownFields?: boolean;
  /** `x-compute-type` of its hf-inference answers; default `cpu`. */
  computeType?: string;
  /**
   * The router's providers for it, as `GET /v1/models` lists them (wire/hf §10); default, for conversational
   * models, hf-inference alone without pricing.
   */
  routerProviders?: readonly FakeRouterProvider[];
}

/** One provider of a model in the router's model list. */
export interface FakeRouterProvider {
  provider: string;
  status?: 'live' | 'staging' | 'error';
  /** USD per million tokens. */
  pricing?: { input: number; output: number };
  contextLength?: number;
}

/** A deterministic 40-hex commit for an id (+ ref). */
export function fakeSha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}

export const FAKE_HF_VALID_TOKEN = 'hf_fakeValidToken012345678';
export const FAKE_HF_OTHER_TOKEN = 'hf_fakeOtherToken012345678';

/** A catalogue covering every hf-inference task, with the seed examples' models among them. */
export const defaultFakeHfModels: readonly FakeHfModel[] = [
  {
    id: 'distilbert/distilbert-base-uncased-finetuned-sst-2-english',
    pipelineTag: 'text-classification',
    revisions: { 'v1.0': fakeSha('sst2@v1.0') },
  },
  { id: 'dslim/bert-base-NER', pipelineTag: 'token-classification' },
  { id: 'facebook/bart-large-mnli', pipelineTag: 'zero-shot-classification' },
  { id: 'google-bert/bert-base-uncased', pipelineTag: 'fill-mask' },
  { id: 'deepset/roberta-base-squad2', pipelineTag: 'question-answering' },
  { id: 'google/tapas-base-finetuned-wtq', pipelineTag: 'table-question-answering' },
  { id: 'facebook/bart-large-cnn', pipelineTag: 'summarization' },
  { id: 'Helsinki-NLP/opus-mt-ru-en', pipelineTag: 'translation' },
  { id: 'openai-community/gpt2', pipelineTag: 'text-generation' },
  { id: 'gpt2', pipelineTag: 'text-generation' },
  { id: 'acme/flaky-tgi', pipelineTag: 'text-generation', streamErrorAfterTokens: 2 },
  {
    id: 'meta-llama/Llama-3.1-8B-Instruct',
    pipelineTag: 'text-generation',
    tags: ['conversational', 'text-generation-inference'],
    // Two priced providers at different prices (fake numbers), and HF's own without a listed price.
    routerProviders: [
      { provider: 'together', pricing: { input: 0.18, output: 0.18 }, contextLength: 131_072 },
      { provider: 'novita', pricing: { input: 0.02, output: 0.05 }, contextLength: 16_384 },
      { provider: 'hf-inference' },
    ],
  },
  {
    id: 'sentence-transformers/all-MiniLM-L6-v2',
    pipelineTag: 'sentence-similarity',
    libraryName: 'sentence-transformers',
  },
  { id: 'google/vit-base-patch16-224', pipelineTag: 'image-classification' },
  { id: 'openai/clip-vit-large-patch14', pipelineTag: 'zero-shot-image-classification' },
  { id: 'facebook/detr-resnet-50', pipelineTag: 'object-detection' },
  { id: 'nvidia/segformer-b0-finetuned-ade-512-512', pipelineTag: 'image-segmentation' },
  { id: 'Salesforce/blip-image-captioning-large', pipelineTag: 'image-to-text' },
  { id: 'timbrooks/instruct-pix2pix', pipelineTag: 'image-to-image', libraryName: 'diffusers' },
  { id: 'black-forest-labs/FLUX.1-schnell', pipelineTag: 'text-to-image', libraryName: 'diffusers' },
  { id: 'openai/whisper-large-v3', pipelineTag: 'automatic-speech-recognition' },
  { id: 'superb/hubert-large-superb-er', pipelineTag: 'audio-classification' },
  { id: 'facebook/mms-tts-eng', pipelineTag: 'text-to-speech' },
  { id: 'dandelin/vilt-b32-finetuned-vqa', pipelineTag: 'visual-question-answering' },
  { id: 'impira/layoutlm-document-qa', pipelineTag: 'document-question-answering' },
  {
    id: 'acme/private-sentiment',
    pipelineTag: 'text-classification',
    private: true,
    allowedTokens: [FAKE_HF_VALID_TOKEN],
  },
  {
    id: 'meta-llama/Llama-Gated-1B',
    pipelineTag: 'text-classification',
    gated: 'manual',
    allowedTokens: [FAKE_HF_OTHER_TOKEN],
  },
  { id: 'acme/slow-loader', pipelineTag: 'text-classification', loading: { estimatedTime: 20, times: 1 } },
  // Shapes and quirks recorded from live traffic (issue #18).
  { id: 'facebook/bart-base', pipelineTag: 'feature-extraction', tokenEmbeddings: true },
  {
    id: 'acme/tgi2-chat',
    pipelineTag: 'text-generation',
    tags: ['conversational', 'text-generation-inference'],
    chatStreamWithoutDone: true,
  },
  {
    id: 'naver-clova-ix/donut-base-finetuned-docvqa',
    pipelineTag: 'document-question-answering',
    answersWithoutOptionalFields: true,
  },
  {
    id: 'acme/no-stream',
    pipelineTag: 'text-generation',
    tags: ['conversational', 'text-generation-inference'],
    ignoresStream: true,
  },
  { id: 'acme/strict-tapas', pipelineTag: 'table-question-answering', refusesUnknownFields: true },
  {
    id: 'acme/strict-chat',
    pipelineTag: 'text-generation',
    tags: ['conversational', 'text-generation-inference'],
    refusesUnknownFields: true,
  },
];

/** Fills in defaults: `sha`, `main`, `inference: 'warm'`. */
export function normalizeFakeModel(model: FakeHfModel): Required<Pick<FakeHfModel, 'sha' | 'revisions'>> & FakeHfModel {
  const sha = model.sha ?? fakeSha(model.id);
  return {
    inference: 'inference' in model ? model.inference : 'warm',
    ...model,
    sha,
    revisions: { main: sha, ...model.revisions },
  };
}
