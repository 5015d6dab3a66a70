/**
 * Checks that SSE frames are OpenAI chat stream events before a relay passes them on untouched: the
 * relay must not hand the caller bytes it has not vouched for (a broken frame, an error page, an
 * echoed request with its secrets). JSON is checked by a scanner over the bytes that allocates nothing:
 * JSON.parse of every frame more than doubled a forwarded stream's CPU, and reading the bytes directly
 * costs about half of reading the characters of their Latin-1 text.
 */

/** Deeper JSON than any chat chunk nests is refused. */
const MAX_DEPTH = 64;
/** Open containers of the JSON being scanned: 1 object, 2 array (reused: frames are checked one at a time). */
const containers = new Uint8Array(MAX_DEPTH + 1);
const OBJECT = 1;
const ARRAY = 2;

// What the scanner expects next.
const VALUE = 0;
const VALUE_OR_CLOSE = 1;
const KEY = 2;
const KEY_OR_CLOSE = 3;
const AFTER_VALUE = 4;

const CHOICES = Buffer.from('"choices"');
const ERROR = Buffer.from('"error"');
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');

/** Do `bytes` hold `word` at `at`? */
function startsWith(bytes: Uint8Array, at: number, word: Uint8Array): boolean {
  for (let index = 0; index < word.length; index++) if (bytes[at + index] !== word[index]) return false;
  return true;
}

const isDigit = (code: number): boolean => code >= 0x30 && code <= 0x39;
const isHex = (code: number): boolean =>
  isDigit(code) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
/** After a backslash: `"` `\` `/` `b` `f` `n` `r` `t` (`u` is checked on its own). */
const isEscape = (code: number): boolean =>
  code === 0x22 ||
  code === 0x5c ||
  code === 0x2f ||
  code === 0x62 ||
  code === 0x66 ||
  code === 0x6e ||
  code === 0x72 ||
  code === 0x74;

/** Index just past a string whose opening quote is at `at` (escapes checked, no raw control characters), or -1. */
function stringEnd(bytes: Uint8Array, at: number, end: number): number {
  let index = at + 1;
  while (index < end) {
    const code = bytes[index++] ?? -1;
    if (code === 0x22) return index;
    if (code < 0x20) return -1;
    if (code !== 0x5c) continue;
    const escaped = bytes[index++] ?? -1;
    if (escaped === 0x75) {
      for (let digit = 0; digit < 4; digit++) if (!isHex(bytes[index++] ?? -1)) return -1;
    } else if (!isEscape(escaped)) return -1;
  }
  return -1;
}

/** Index just past a number starting at `at`, or -1. */
function numberEnd(bytes: Uint8Array, at: number, end: number): number {
  let index = at;
  if (bytes[index] === 0x2d) index += 1;
  if (bytes[index] === 0x30) index += 1;
  else {
    const start = index;
    while (index < end && isDigit(bytes[index] ?? -1)) index += 1;
    if (index === start) return -1;
  }
  if (bytes[index] === 0x2e) {
    const start = ++index;
    while (index < end && isDigit(bytes[index] ?? -1)) index += 1;
    if (index === start) return -1;
  }
  const exponent = bytes[index];
  if (exponent === 0x65 || exponent === 0x45) {
    const sign = bytes[++index];
    if (sign === 0x2b || sign === 0x2d) index += 1;
    const start = index;
    while (index < end && isDigit(bytes[index] ?? -1)) index += 1;
    if (index === start) return -1;
  }
  return index;
}

/**
 * Is `bytes[start, end)` (UTF-8) one JSON object with `choices` (an array) or `error` at its top level? A scanner
 * over the bytes, with no recursion and no allocation: JSON.parse of every frame more than doubled
 * a forwarded stream's CPU.
 */
export function isChatEventJson(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  let index = start;
  let depth = 0;
  let expect = VALUE;
  let chatEvent = false;
  while (index < end) {
    const code = bytes[index] ?? -1;
    if (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) {
      index += 1;
      continue;
    }
    if (depth === 0 && expect !== VALUE) return false; // something after the object
    if (expect === AFTER_VALUE) {
      const open = containers[depth];
      index += 1;
      if (code === 0x2c) expect = open === OBJECT ? KEY : VALUE;
      else if ((code === 0x7d && open === OBJECT) || (code === 0x5d && open === ARRAY)) depth -= 1;
      else return false;
      continue;
    }
    if (expect === KEY || expect === KEY_OR_CLOSE) {
      if (code === 0x7d && expect === KEY_OR_CLOSE) {
        index += 1;
        depth -= 1;
        expect = AFTER_VALUE;
        continue;
      }
      if (code !== 0x22) return false;
      const keyEnd = stringEnd(bytes, index, end);
      if (keyEnd === -1) return false;
      let colon = keyEnd;
      while (colon < end && (bytes[colon] ?? -1) <= 0x20) colon += 1;
      if (bytes[colon] !== 0x3a) return false;
      let value = colon + 1;
      while (value < end && (bytes[value] ?? -1) <= 0x20) value += 1;
      if (depth === 1) {
        const length = keyEnd - index;
        if (
          (length === 9 && bytes[value] === 0x5b && startsWith(bytes, index, CHOICES)) ||
          (length === 7 && startsWith(bytes, index, ERROR))
        )
          chatEvent = true;
      }
      index = value;
      expect = VALUE;
      continue;
    }
    // A value (or, after `[`, the `]` of an empty array).
    if (code === 0x5d && expect === VALUE_OR_CLOSE) {
      index += 1;
      depth -= 1;
      expect = AFTER_VALUE;
    } else if (code === 0x7b || code === 0x5b) {
      if (depth === MAX_DEPTH || (depth === 0 && code !== 0x7b)) return false;
      containers[++depth] = code === 0x7b ? OBJECT : ARRAY;
      index += 1;
      expect = code === 0x7b ? KEY_OR_CLOSE : VALUE_OR_CLOSE;
    } else {
      if (depth === 0) return false;
      if (code === 0x22) index = stringEnd(bytes, index, end);
      else if (code === 0x74) index = startsWith(bytes, index, TRUE) ? index + 4 : -1;
      else if (code === 0x66) index = startsWith(bytes, index, FALSE) ? index + 5 : -1;
      else if (code === 0x6e) index = startsWith(bytes, index, NULL) ? index + 4 : -1;
      else if (code === 0x2d || isDigit(code)) index = numberEnd(bytes, index, end);
      else return false;
      if (index === -1) return false;
      expect = AFTER_VALUE;
    }
  }
  return depth === 0 && expect === AFTER_VALUE && chatEvent;
}

/** SSE fields an OpenAI-style stream may carry besides comments (`:`); any other line is not a frame of it. */
const KNOWN_FIELD = /^(?:data|event|id|retry)(?::|$)/;

const dataStart = (line: string, from: number): number => (line.charCodeAt(from + 5) === 0x20 ? from + 6 : from + 5);

/**
 * Is one whole frame `text[start, end)` (without its blank line) an OpenAI chat stream event: SSE
 * fields whose data is `[DONE]` or a chat chunk / error object? A frame with no data (a comment, an
 * event name alone) passes. The common frame, one `data:` line, is checked in place in `bytes` (whose
 * Latin-1 text `text` is).
 */
function wellFormedFrame(text: string, bytes: Uint8Array, start: number, end: number): boolean {
  const newline = text.indexOf('\n', start);
  if (text.startsWith('data:', start) && (newline === -1 || newline >= end)) {
    const from = dataStart(text, start);
    return (end - from === 6 && text.startsWith('[DONE]', from)) || isChatEventJson(bytes, from, end);
  }
  let data: string | undefined;
  for (const line of text.slice(start, end).split(/\r?\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    if (!KNOWN_FIELD.test(line)) return false;
    if (!line.startsWith('data')) continue;
    const value = line.slice(dataStart(line, 0));
    data = data === undefined ? value : `${data}\n${value}`;
  }
  return data === undefined || data === '[DONE]' || isChatEventJson(Buffer.from(data, 'latin1'));
}

/**
 * Where the first frame of `bytes` (whole frames, each ended by a blank line) that is not a chat stream
 * event starts, or -1. Frames are found in `text`, the bytes' Latin-1 text (its offsets are byte offsets).
 */
export function firstMalformedFrame(text: string, bytes: Uint8Array): number {
  const crlf = text.includes('\r');
  for (let start = 0; start < text.length; ) {
    const lf = text.indexOf('\n\n', start);
    const crlfEnd = crlf ? text.indexOf('\r\n\r\n', start) : -1;
    const atCrlf = crlfEnd !== -1 && (lf === -1 || crlfEnd < lf);
    const end = atCrlf ? crlfEnd : lf === -1 ? text.length : lf;
    if (!wellFormedFrame(text, bytes, start, end)) return start;
    start = atCrlf ? end + 4 : end + 2;
  }
  return -1;
}
