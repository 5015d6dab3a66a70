/**
 * Checks that SSE frames are OpenAI chat stream events before a relay passes them on untouched: the
 * relay must not hand the caller bytes it has not vouched for (a broken frame, an error page, an
 * echoed request with its secrets). JSON is checked by a scanner that allocates nothing: JSON.parse of
 * every frame more than doubled a forwarded stream's CPU.
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
function stringEnd(text: string, at: number, end: number): number {
  let index = at + 1;
  while (index < end) {
    const code = text.charCodeAt(index++);
    if (code === 0x22) return index;
    if (code < 0x20) return -1;
    if (code !== 0x5c) continue;
    const escaped = text.charCodeAt(index++);
    if (escaped === 0x75) {
      for (let digit = 0; digit < 4; digit++) if (!isHex(text.charCodeAt(index++))) return -1;
    } else if (!isEscape(escaped)) return -1;
  }
  return -1;
}

/** Index just past a number starting at `at`, or -1. */
function numberEnd(text: string, at: number, end: number): number {
  let index = at;
  if (text.charCodeAt(index) === 0x2d) index += 1;
  if (text.charCodeAt(index) === 0x30) index += 1;
  else {
    const start = index;
    while (index < end && isDigit(text.charCodeAt(index))) index += 1;
    if (index === start) return -1;
  }
  if (text.charCodeAt(index) === 0x2e) {
    const start = ++index;
    while (index < end && isDigit(text.charCodeAt(index))) index += 1;
    if (index === start) return -1;
  }
  const exponent = text.charCodeAt(index);
  if (exponent === 0x65 || exponent === 0x45) {
    const sign = text.charCodeAt(++index);
    if (sign === 0x2b || sign === 0x2d) index += 1;
    const start = index;
    while (index < end && isDigit(text.charCodeAt(index))) index += 1;
    if (index === start) return -1;
  }
  return index;
}

/**
 * Is `text[start, end)` one JSON object with `choices` (an array) or `error` at its top level? A scanner
 * over the characters, with no recursion and no allocation: JSON.parse of every frame more than doubled
 * a forwarded stream's CPU.
 */
export function isChatEventJson(text: string, start = 0, end = text.length): boolean {
  let index = start;
  let depth = 0;
  let expect = VALUE;
  let chatEvent = false;
  while (index < end) {
    const code = text.charCodeAt(index);
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
      const keyEnd = stringEnd(text, index, end);
      if (keyEnd === -1) return false;
      let colon = keyEnd;
      while (colon < end && text.charCodeAt(colon) <= 0x20) colon += 1;
      if (text.charCodeAt(colon) !== 0x3a) return false;
      let value = colon + 1;
      while (value < end && text.charCodeAt(value) <= 0x20) value += 1;
      if (depth === 1) {
        const length = keyEnd - index;
        if (
          (length === 9 && text.charCodeAt(value) === 0x5b && text.startsWith('"choices"', index)) ||
          (length === 7 && text.startsWith('"error"', index))
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
      if (code === 0x22) index = stringEnd(text, index, end);
      else if (code === 0x74) index = text.startsWith('true', index) ? index + 4 : -1;
      else if (code === 0x66) index = text.startsWith('false', index) ? index + 5 : -1;
      else if (code === 0x6e) index = text.startsWith('null', index) ? index + 4 : -1;
      else if (code === 0x2d || isDigit(code)) index = numberEnd(text, index, end);
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
 * event name alone) passes. The common frame, one `data:` line, is checked in place.
 */
function wellFormedFrame(text: string, start: number, end: number): boolean {
  const newline = text.indexOf('\n', start);
  if (text.startsWith('data:', start) && (newline === -1 || newline >= end)) {
    const from = dataStart(text, start);
    return (end - from === 6 && text.startsWith('[DONE]', from)) || isChatEventJson(text, from, end);
  }
  let data: string | undefined;
  for (const line of text.slice(start, end).split(/\r?\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    if (!KNOWN_FIELD.test(line)) return false;
    if (!line.startsWith('data')) continue;
    const value = line.slice(dataStart(line, 0));
    data = data === undefined ? value : `${data}\n${value}`;
  }
  return data === undefined || data === '[DONE]' || isChatEventJson(data);
}

/**
 * Where the first frame of `text` (whole frames, each ended by a blank line) that is not a chat stream
 * event starts, or -1. Latin-1 text of the bytes will do: offsets stay byte offsets, and UTF-8 inside
 * JSON strings stays valid JSON.
 */
export function firstMalformedFrame(text: string): number {
  const crlf = text.includes('\r');
  for (let start = 0; start < text.length; ) {
    const lf = text.indexOf('\n\n', start);
    const crlfEnd = crlf ? text.indexOf('\r\n\r\n', start) : -1;
    const atCrlf = crlfEnd !== -1 && (lf === -1 || crlfEnd < lf);
    const end = atCrlf ? crlfEnd : lf === -1 ? text.length : lf;
    if (!wellFormedFrame(text, start, end)) return start;
    start = atCrlf ? end + 4 : end + 2;
  }
  return -1;
}
