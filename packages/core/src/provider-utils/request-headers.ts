/** What an upstream call's headers are made of, in the order they apply. */
export interface HeaderLayers {
  /** The provider's own (settings or config). */
  settings?: Record<string, string>;
  /** This call's (the caller's, an operation's such as `accept: image/png`). */
  call?: Record<string, string>;
  /** Sent as `Authorization: Bearer …`; no layer can set or remove `authorization`. */
  apiKey?: string;
  /** Set last, so no caller header replaces them (HF's `x-hf-bill-to` from settings). */
  fixed?: Record<string, string>;
}

/** Headers for an upstream call: settings, then call (names lower-cased, `authorization` dropped), the credential, the fixed ones. */
export function buildHeaders(layers: HeaderLayers): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const layer of [layers.settings, layers.call]) {
    if (layer === undefined) continue;
    for (const name in layer) {
      const lower = name.toLowerCase();
      if (lower !== 'authorization') headers[lower] = layer[name] as string;
    }
  }
  if (layers.apiKey) headers.authorization = `Bearer ${layers.apiKey}`;
  if (layers.fixed !== undefined) for (const name in layers.fixed) headers[name] = layers.fixed[name] as string;
  return headers;
}

/**
 * `buildHeaders` for one provider's calls. Those with no call headers (nearly all) share one frozen object,
 * rebuilt only when the key or the settings objects change (an env variable set later), and so do the
 * request headers made from it (`withBodyHeaders`): the gateway benchmark measured building them per call.
 */
export function createHeaderCache(): (layers: HeaderLayers) => Record<string, string> {
  let shared: (HeaderLayers & { headers: Record<string, string> }) | undefined;
  return (layers) => {
    if (layers.call !== undefined) return buildHeaders(layers);
    if (
      shared === undefined ||
      shared.apiKey !== layers.apiKey ||
      shared.settings !== layers.settings ||
      shared.fixed !== layers.fixed
    ) {
      const headers = Object.freeze(buildHeaders(layers));
      completions.set(headers, []);
      shared = { settings: layers.settings, apiKey: layers.apiKey, fixed: layers.fixed, headers };
    }
    return shared.headers;
  };
}

interface Completion {
  accept: string | undefined;
  contentType: string | undefined;
  headers: Record<string, string>;
}

/** Request headers made from each shared headers object, by accept and content type (a few per provider). */
const completions = new WeakMap<Record<string, string>, Completion[]>();
const MAX_COMPLETIONS = 16;

/**
 * The headers with the `accept` the adapter reads and the body's `content-type` (each when given), set over
 * any a caller sent. Made once per shared headers object (`createHeaderCache`) and types, else per call.
 */
export function withBodyHeaders(
  base: Record<string, string>,
  accept: string | undefined,
  contentType: string | undefined,
): Record<string, string> {
  const made = completions.get(base);
  if (made !== undefined) {
    for (const completion of made)
      if (completion.accept === accept && completion.contentType === contentType) return completion.headers;
  }
  const headers = { ...base };
  if (accept !== undefined) headers.accept = accept;
  if (contentType !== undefined) headers['content-type'] = contentType;
  if (made !== undefined && made.length < MAX_COMPLETIONS) {
    made.push({ accept, contentType, headers: Object.freeze(headers) });
  }
  return headers;
}
