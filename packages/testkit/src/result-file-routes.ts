import { fakeMedia } from './evolink/evolink-wire.js';
import type { FakeRoute } from './fake-route.js';

/** Over the 1000-byte limit downloads are tested with. */
const RESULT_FILE_OVERSIZE = Buffer.alloc(1500, 7);

/**
 * Result files as a download sees them (a generated image behind a signed URL): the image, redirects
 * (relative, absolute, a loop, one without a location, one to another scheme), a body over 1000 bytes
 * declared or chunked, an empty body, and a dead link.
 */
export function resultFileRoutes(): FakeRoute[] {
  return [
    {
      method: 'GET',
      path: '/image.png',
      handler: (_request, response) => response.bytes(200, fakeMedia.image.bytes, 'image/png'),
    },
    {
      method: 'GET',
      path: '/moved',
      handler: (_request, response) => response.text(302, '', { location: '/image.png' }),
    },
    {
      method: 'GET',
      path: '/moved-twice',
      handler: (request, response) => response.text(301, '', { location: `http://${request.headers.host}/moved` }),
    },
    { method: 'GET', path: '/loop', handler: (_request, response) => response.text(307, '', { location: '/loop' }) },
    { method: 'GET', path: '/nowhere', handler: (_request, response) => response.text(302, '') },
    {
      method: 'GET',
      path: '/to-file',
      handler: (_request, response) => response.text(302, '', { location: 'file:///etc/passwd' }),
    },
    {
      method: 'GET',
      path: '/big',
      handler: (_request, response) => response.bytes(200, RESULT_FILE_OVERSIZE, 'image/png'),
    },
    {
      method: 'GET',
      path: '/big-chunked',
      // No content-length: the limit has to hold while reading.
      handler: (_request, response) => {
        response.raw.writeHead(200, { 'content-type': 'image/png' });
        response.raw.write(RESULT_FILE_OVERSIZE.subarray(0, 800));
        response.raw.end(RESULT_FILE_OVERSIZE.subarray(800));
      },
    },
    {
      method: 'GET',
      path: '/empty',
      handler: (_request, response) => response.bytes(200, new Uint8Array(0), 'image/png'),
    },
    { method: 'GET', path: '/gone', handler: (_request, response) => response.json(404, { error: 'expired' }) },
    { method: 'GET', path: '/broken', handler: (_request, response) => response.json(500, { error: 'oops' }) },
  ];
}
