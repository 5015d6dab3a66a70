import { InfermuxError } from '../errors/infermux-error';

/**
 * A model reference: `[provider:]id[@revision][:variant]`.
 * - `provider` picks a registered provider (`hf:gpt2`).
 * - `id` is the model id, usually `org/name` (open set of strings).
 * - `revision` pins a branch, tag or commit (`@main`, `@v1.0`, `@refs/pr/1`, `@<40-hex sha>`).
 * - `variant` is an upstream routing suffix, e.g. the HF router's `:fastest`,
 *   `:cheapest` or `:groq` (git ref names cannot contain `:`, so it is unambiguous).
 */
export interface ModelRef {
  provider?: string;
  id: string;
  revision?: string;
  variant?: string;
}

export type ModelId =
  | 'gpt2'
  | 'openai-community/gpt2'
  | 'distilbert/distilbert-base-uncased-finetuned-sst-2-english'
  | (string & {});

/**
 * Longest model reference accepted (characters). Hub repo ids are at most 96 characters per part and git
 * refs rarely pass 200; the cap keeps caller-chosen names from growing logs, metrics and caches.
 */
export const MAX_MODEL_REF_LENGTH = 512;

const providerPattern = /^[a-z][a-z0-9-]*$/;
// Control characters (C0, DEL, C1), `%` (an encoded `/` or `.` would be decoded again further on) and `\`.
const forbiddenCharacters = /[\p{Cc}%\\]/u;
const commitPattern = /^[0-9a-f]{40}$/;
// With the `u` flag an unpaired surrogate is a code point of category Cs (`String#isWellFormed` is ES2024).
const loneSurrogate = /\p{Cs}/u;
const wellFormed = (text: string) => text.replace(/\p{Cs}/gu, '\uFFFD');

function invalid(text: string, why: string): InfermuxError {
  return new InfermuxError({
    code: 'caller_invalid_input',
    message: `Invalid model reference "${text}": ${why}. Expected [provider:]org/name[@revision][:variant].`,
    details: { field: 'model', value: text },
  });
}

export function parseModelRef(text: string): ModelRef {
  const trimmed = text.trim();
  if (!trimmed) throw invalid(text, 'it is empty');
  if (trimmed.length > MAX_MODEL_REF_LENGTH)
    throw invalid(`${text.slice(0, 64)}…`, `it is longer than ${MAX_MODEL_REF_LENGTH} characters`);
  if (loneSurrogate.test(trimmed)) throw invalid(wellFormed(text), 'it contains a lone surrogate (invalid UTF-16)');
  if (forbiddenCharacters.test(trimmed))
    throw invalid(text, 'it contains a control character, "%" or "\\" (send the name unencoded)');
  if (/^https?:\/\//i.test(trimmed)) {
    throw invalid(
      text,
      "a URL is not a model id (use the provider's endpointUrl/baseURL setting for dedicated endpoints)",
    );
  }
  let rest = trimmed;
  let provider: string | undefined;
  const firstColon = rest.indexOf(':');
  const firstSlash = rest.indexOf('/');
  const firstAt = rest.indexOf('@');
  // A provider prefix comes before any `/` or `@`: `hf:org/name`, `evolink:gpt-5.5`.
  if (firstColon > 0 && (firstSlash === -1 || firstColon < firstSlash) && (firstAt === -1 || firstColon < firstAt)) {
    const candidate = rest.slice(0, firstColon);
    // Without a slash, `a:b` reads as provider `a`, model `b` (`evolink:gpt-5.5`, `hf:gpt2`);
    // an HF router variant needs the full `org/name:variant` form.
    if (providerPattern.test(candidate)) {
      provider = candidate;
      rest = rest.slice(firstColon + 1);
    }
  }
  let variant: string | undefined;
  let revision: string | undefined;
  const at = rest.indexOf('@');
  const base = at === -1 ? rest : rest.slice(0, at);
  let tail = at === -1 ? '' : rest.slice(at + 1);
  let id = base;
  if (at === -1) {
    const colon = id.lastIndexOf(':');
    if (colon !== -1) {
      variant = id.slice(colon + 1);
      id = id.slice(0, colon);
    }
  } else {
    const colon = tail.indexOf(':');
    if (colon !== -1) {
      variant = tail.slice(colon + 1);
      tail = tail.slice(0, colon);
    }
    revision = tail;
    if (!revision) throw invalid(text, 'the revision after "@" is empty');
    if (/\s|\.\.|^\/|\/$|\/\/|~|\^|\\/.test(revision) || revision.split('/').includes('.'))
      throw invalid(text, `"${revision}" is not a valid git revision`);
  }
  if (!id) throw invalid(text, 'the model id is empty');
  if (/\s/.test(id)) throw invalid(text, 'the model id contains whitespace');
  if (id.split('/').length > 2 || id.startsWith('/') || id.endsWith('/'))
    throw invalid(text, 'a model id has at most one "/" (org/name)');
  if (id.split('/').some((segment) => segment === '' || segment === '.' || segment === '..'))
    throw invalid(text, 'a model id part cannot be empty, "." or ".."');
  if (variant !== undefined && !variant) throw invalid(text, 'the variant after ":" is empty');
  const ref: ModelRef = { id };
  if (provider) ref.provider = provider;
  if (revision) ref.revision = revision;
  if (variant) ref.variant = variant;
  return ref;
}

/**
 * A model id as a URL path: each `/`-separated part percent-encoded, after checking it is an identifier
 * (no `.`/`..`/empty part, no control character or lone surrogate), so it can never leave the model's own path.
 */
export function modelIdPath(id: string): string {
  if (!id || id.length > MAX_MODEL_REF_LENGTH || loneSurrogate.test(id) || forbiddenCharacters.test(id))
    throw invalid(wellFormed(id.slice(0, 64)), 'it is not a model identifier');
  const segments = id.split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..'))
    throw invalid(id, 'a model id part cannot be empty, "." or ".."');
  return segments.map(encodeURIComponent).join('/');
}

export function formatModelRef(ref: ModelRef, options: { provider?: boolean } = {}): string {
  let text = ref.id;
  if (ref.revision) text += `@${ref.revision}`;
  if (ref.variant) text += `:${ref.variant}`;
  if (ref.provider && options.provider !== false) text = `${ref.provider}:${text}`;
  return text;
}

/** True when the revision is a full commit sha (the only reference that cannot float). */
export function isPinnedRevision(revision: string | undefined): boolean {
  return revision !== undefined && commitPattern.test(revision);
}

export function toModelRef(model: string | ModelRef): ModelRef {
  return typeof model === 'string' ? parseModelRef(model) : model;
}
