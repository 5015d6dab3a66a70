// `@infermux/core/provider-utils`: the pieces every adapter (and app) would otherwise write again.

export { type DownloadedFile, type DownloadResultOptions, downloadResult } from './download-result';
export { joinURL, withoutTrailingSlashes } from './join-url';
export { type ApiKeySource, apiKeyStatus, loadApiKey, type ProviderCredentials } from './load-api-key';
export { parseUpstream, type UpstreamContext, unexpectedBody } from './parse-upstream';
export { buildHeaders, createHeaderCache, type HeaderLayers } from './request-headers';
export { REVISION_NOT_PINNED, requirePinnedRevision, revisionNotServed } from './revision-policy';
export { arrayElement, kindsOf, objectShape, schemaAt, type ValueKind } from './schema-shape';
export {
  type ErrorFromResponse,
  EVENT_STREAM_MEDIA_TYPE,
  getJson,
  JSON_MEDIA_TYPE,
  type PostJsonOptions,
  postBytes,
  postJson,
  type UpstreamEndpoint,
} from './upstream-request';
