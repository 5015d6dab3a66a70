import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { InfermuxError } from '@infermux/core';
import type { Endpoint } from '../gateway-services';
import { sendBody } from '../http/respond';

const bundlePath = '/docs/api-reference.js';

/**
 * Scalar's standalone browser bundle, from the installed `@scalar/api-reference` (a dependency of this
 * package, so a published install has it). Its package exports no browser entry: the file sits beside the
 * main entry. No CDN: gateways often run without internet access.
 */
export function resolveApiReferenceBundle(): string | undefined {
  // `import.meta.url` is empty in the CJS build, where `__filename` is the module's own path.
  const require = createRequire(typeof __filename === 'string' ? __filename : import.meta.url);
  try {
    return join(dirname(require.resolve('@scalar/api-reference')), 'browser', 'standalone.js');
  } catch {
    return undefined;
  }
}

interface Bundle {
  plain: Buffer;
  gzipped: Buffer;
  etag: string;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char] as string);

function page(endpoints: readonly Endpoint[]): string {
  // The table is for readers without JavaScript; the viewer replaces it.
  const rows = endpoints
    .map(
      (endpoint) =>
        `<li><code>${endpoint.method} ${escapeHtml(endpoint.path)}</code> (${endpoint.auth}): ${escapeHtml(endpoint.summary)}</li>`,
    )
    .join('\n');
  // No remote fonts, no telemetry, no hosted AI agent or developer toolbar: the page works offline and calls home never.
  const config = {
    url: '/openapi.json',
    withDefaultFonts: false,
    telemetry: false,
    agent: { disabled: true },
    showDeveloperTools: 'never',
    hideClientButton: true,
  };
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>infermux gateway API</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body>
<div id="api-reference"><noscript><h1>infermux gateway</h1><p>Machine-readable: <a href="/openapi.json">/openapi.json</a>.</p><ul>
${rows}
</ul></noscript></div>
<script src="${bundlePath}"></script>
<script>Scalar.createApiReference('#api-reference', ${JSON.stringify(config)});</script>
</body></html>`;
}

/** `/docs` (the API reference page) and the viewer bundle it loads, cached by the browser. */
export function apiReferenceEndpoints(endpoints: readonly Endpoint[], file = resolveApiReferenceBundle()): Endpoint[] {
  const html = page(endpoints);
  let bundle: Promise<Bundle> | undefined;
  const load = async (path: string): Promise<Bundle> => {
    const plain = await readFile(path);
    return {
      plain,
      gzipped: await promisify(gzip)(plain),
      etag: `"${createHash('sha256').update(plain).digest('base64url').slice(0, 27)}"`,
    };
  };
  return [
    {
      method: 'GET',
      path: '/docs',
      format: 'native',
      auth: 'none',
      summary: 'This API as a reference page (Scalar, served by the gateway itself).',
      handle(context) {
        sendBody(context, 200, html, 'text/html; charset=utf-8');
      },
    },
    {
      method: 'GET',
      path: bundlePath,
      format: 'native',
      auth: 'none',
      summary: 'The API reference viewer (a static file).',
      async handle(context) {
        if (file === undefined)
          throw new InfermuxError({
            code: 'gateway_not_found',
            message: 'The API reference viewer (@scalar/api-reference) is not installed; /openapi.json still is.',
          });
        bundle ??= load(file).catch((error: unknown) => {
          bundle = undefined; // a failed read is tried again by the next request
          throw error;
        });
        const { plain, gzipped, etag } = await bundle;
        const headers = { etag, 'cache-control': 'public, max-age=86400', vary: 'accept-encoding' };
        if (context.request.headers['if-none-match'] === etag) {
          context.status = 304;
          context.response.writeHead(304, headers);
          context.response.end();
          return;
        }
        const acceptsGzip = /\bgzip\b/.test(String(context.request.headers['accept-encoding'] ?? ''));
        sendBody(
          context,
          200,
          acceptsGzip ? gzipped : plain,
          'text/javascript; charset=utf-8',
          acceptsGzip ? { ...headers, 'content-encoding': 'gzip' } : headers,
        );
      },
    },
  ];
}
