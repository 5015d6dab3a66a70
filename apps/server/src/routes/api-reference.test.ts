import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayFixture, startGatewayFixture } from '../test-support/gateway-fixture';
import { call } from '../test-support/gateway-requests';
import { resolveApiReferenceBundle } from './api-reference';

const chromiumPath = '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);
if (!hasChromium) console.warn(`api-reference.test: ${chromiumPath} is absent (apt-get install -y chromium); skipped.`);

let fixture: GatewayFixture;
beforeAll(async () => {
  fixture = await startGatewayFixture();
});
afterAll(() => fixture?.close());

describe('/docs/api-reference.js', () => {
  it('serves the installed viewer bundle, gzipped when asked, cached by the browser', async () => {
    const file = resolveApiReferenceBundle();
    expect(file && existsSync(file)).toBe(true);
    const url = `${fixture.gateway.url}/docs/api-reference.js`;
    const plain = await fetch(url, { headers: { 'accept-encoding': 'identity' } });
    const bytes = Buffer.from(await plain.arrayBuffer());
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(plain.headers.get('cache-control')).toBe('public, max-age=86400');
    expect(bytes.equals(readFileSync(file as string))).toBe(true);
    const etag = plain.headers.get('etag') as string;
    expect(etag).toMatch(/^"[\w-]{27}"$/);

    // fetch would decode the body itself: undici's request shows what goes over the wire.
    const raw = await request(url, { headers: { 'accept-encoding': 'gzip' } });
    const wire = Buffer.from(await raw.body.arrayBuffer());
    expect(raw.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(wire).equals(bytes)).toBe(true);
    expect(wire.length).toBeLessThan(bytes.length / 2);

    const again = await call(url, { method: 'GET', headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
  });
});

describe.runIf(hasChromium)('/docs in headless Chromium', () => {
  it('renders the operations from /openapi.json without a request leaving 127.0.0.1', async () => {
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const elsewhere: string[] = [];
      const local: string[] = [];
      await page.route('**/*', (route) => {
        const url = new URL(route.request().url());
        if (url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:') {
          local.push(url.pathname);
          return route.continue();
        }
        elsewhere.push(url.href);
        return route.abort();
      });
      await page.goto(`${fixture.gateway.url}/docs`);
      // An operation title from the document (its `summary`), rendered by the viewer.
      const title = page.getByText('Create a chat completion', { exact: true }).first();
      await title.waitFor({ state: 'visible', timeout: 30_000 });
      // The README's picture: INFERMUX_DOCS_SCREENSHOT=1 npx vitest run src/routes/api-reference.test.ts
      if (process.env.INFERMUX_DOCS_SCREENSHOT === '1') {
        await page.screenshot({ path: fileURLToPath(new URL('../../docs/api-reference.png', import.meta.url)) });
      }
      // The other tags open on demand, with their operations.
      await page.getByText('Hugging Face', { exact: true }).first().click();
      await page.getByText('Run a Hugging Face model', { exact: true }).first().waitFor({ state: 'visible' });
      expect(local).toEqual(expect.arrayContaining(['/docs', '/docs/api-reference.js', '/openapi.json']));
      expect(elsewhere).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
