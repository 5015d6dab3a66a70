import { randomBytes } from 'node:crypto';

// Random bytes drawn in blocks: one syscall per 1024 ids instead of one per request.
const BLOCK_IDS = 1024;
const ID_BYTES = 16;
let pool = Buffer.alloc(0);
let offset = 0;

/** `req_<32 hex>`, the shape OpenAI uses (clients accept any string). */
export function newRequestId(): string {
  if (offset >= pool.length) {
    pool = randomBytes(BLOCK_IDS * ID_BYTES);
    offset = 0;
  }
  const id = pool.toString('hex', offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return `req_${id}`;
}

const acceptableId = /^[\w.:@-]{1,128}$/;

/** A caller's own `x-request-id` is kept when it is short and harmless, so traces join up. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && acceptableId.test(header) ? header : newRequestId();
}
