/**
 * Checks that SSE frames are OpenAI chat stream events before a relay passes them on untouched: the
 * relay must not hand the caller bytes it has not vouched for (a broken frame, an error page, an
 * echoed request with its secrets). JSON is checked by a scanner over the bytes that allocates nothing:
 * JSON.parse of every frame more than doubled a forwarded stream's CPU, and reading the bytes directly
 * costs about half of reading the characters of their Latin-1 text. The same pass reports what the relay
 * watches for (usage, an error event, content, a finish, `[DONE]`), so a read is walked once.
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
const USAGE = Buffer.from('"usage"');
const CONTENT_KEY = Buffer.from('"content"');
const REASONING = Buffer.from('"reasoning"');
const REASONING_CONTENT = Buffer.from('"reasoning_content"');
const TOOL_CALLS = Buffer.from('"tool_calls"');
const FINISH_REASON = Buffer.from('"finish_reason"');
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');

/** What a frame is and carries: bits of the number `frameFlags` and `scanChatEvent` return (0: not a chat event). */
export const FRAME = {
  /** SSE fields whose data, if any, is `[DONE]` or a JSON object with `choices` (an array) or `error` at its top level. */
  chatEvent: 1,
  /** A top-level `usage` whose value is an object (not the `null` every chunk carries once usage is asked). */
  usage: 2,
  /** A top-level `error`. */
  error: 4,
  /** The answer has begun: text or reasoning (a non-empty string), a tool call, or a finish. */
  content: 8,
  /** A choice's `finish_reason` set: the answer is whole even if `[DONE]` never comes. */
  finish: 16,
  /** The data is `[DONE]`. */
  done: 32,
} as const;

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
    if (code > 0x5c) continue; // most text: one comparison instead of three
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

/** What the key `bytes[at, keyEnd)` (quotes included) whose value starts at `value` tells, at any depth. */
function keyFlags(bytes: Uint8Array, at: number, keyEnd: number, value: number, depth: number): number {
  const length = keyEnd - at;
  const first = bytes[value];
  if (depth === 1) {
    if (length === 9 && first === 0x5b && startsWith(bytes, at, CHOICES)) return FRAME.chatEvent;
    if (length === 7) {
      if (startsWith(bytes, at, ERROR)) return FRAME.chatEvent | FRAME.error;
      if (first === 0x7b && startsWith(bytes, at, USAGE)) return FRAME.usage;
    }
  }
  if (first === 0x22) {
    if (length === 15) return startsWith(bytes, at, FINISH_REASON) ? FRAME.content | FRAME.finish : 0;
    // Text counts once it is not empty (the role chunk carries `"content":""`).
    if (bytes[value + 1] === 0x22) return 0;
    if (
      (length === 9 && startsWith(bytes, at, CONTENT_KEY)) ||
      (length === 11 && startsWith(bytes, at, REASONING)) ||
      (length === 19 && startsWith(bytes, at, REASONING_CONTENT))
    )
      return FRAME.content;
  } else if (first === 0x5b && length === 12 && startsWith(bytes, at, TOOL_CALLS)) return FRAME.content;
  return 0;
}

/**
 * What `bytes[start, end)` (UTF-8) is as the data of a chat stream event: 0 unless it is one JSON object with
 * `choices` (an array) or `error` at its top level, else `FRAME.chatEvent` with the bits of what it carries.
 * A scanner over the bytes, with no recursion and no allocation.
 */
export function scanChatEvent(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let index = start;
  let depth = 0;
  let expect = VALUE;
  let flags = 0;
  while (index < end) {
    const code = bytes[index] ?? -1;
    if (code <= 0x20 && (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09)) {
      index += 1;
      continue;
    }
    if (depth === 0 && expect !== VALUE) return 0; // something after the object
    if (expect === AFTER_VALUE) {
      const open = containers[depth];
      index += 1;
      if (code === 0x2c) expect = open === OBJECT ? KEY : VALUE;
      else if ((code === 0x7d && open === OBJECT) || (code === 0x5d && open === ARRAY)) depth -= 1;
      else return 0;
      continue;
    }
    if (expect === KEY || expect === KEY_OR_CLOSE) {
      if (code === 0x7d && expect === KEY_OR_CLOSE) {
        index += 1;
        depth -= 1;
        expect = AFTER_VALUE;
        continue;
      }
      if (code !== 0x22) return 0;
      const keyEnd = stringEnd(bytes, index, end);
      if (keyEnd === -1) return 0;
      let colon = keyEnd;
      while (colon < end && (bytes[colon] ?? -1) <= 0x20) colon += 1;
      if (bytes[colon] !== 0x3a) return 0;
      let value = colon + 1;
      while (value < end && (bytes[value] ?? -1) <= 0x20) value += 1;
      flags |= keyFlags(bytes, index, keyEnd, value, depth);
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
      if (depth === MAX_DEPTH || (depth === 0 && code !== 0x7b)) return 0;
      containers[++depth] = code === 0x7b ? OBJECT : ARRAY;
      index += 1;
      expect = code === 0x7b ? KEY_OR_CLOSE : VALUE_OR_CLOSE;
    } else {
      if (depth === 0) return 0;
      if (code === 0x22) index = stringEnd(bytes, index, end);
      else if (code === 0x74) index = startsWith(bytes, index, TRUE) ? index + 4 : -1;
      else if (code === 0x66) index = startsWith(bytes, index, FALSE) ? index + 5 : -1;
      else if (code === 0x6e) index = startsWith(bytes, index, NULL) ? index + 4 : -1;
      else if (code === 0x2d || isDigit(code)) index = numberEnd(bytes, index, end);
      else return 0;
      if (index === -1) return 0;
      expect = AFTER_VALUE;
    }
  }
  return depth === 0 && expect === AFTER_VALUE && (flags & FRAME.chatEvent) !== 0 ? flags : 0;
}

/** Is `bytes[start, end)` (UTF-8) one JSON object with `choices` (an array) or `error` at its top level? */
export function isChatEventJson(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  return scanChatEvent(bytes, start, end) !== 0;
}

/** SSE fields an OpenAI-style stream may carry besides comments (`:`); any other line is not a frame of it. */
const KNOWN_FIELD = /^(?:data|event|id|retry)(?::|$)/;

const LF = 0x0a;
const CR = 0x0d;
const DATA = Buffer.from('data:');
const DONE = Buffer.from('[DONE]');
const BLANK_LINE = Buffer.from('\n\n');
const CRLF_BLANK_LINE = Buffer.from('\r\n\r\n');

/** The data of an SSE field line (`data: x` or `data:x`). */
const dataStart = (line: string): number => (line.charCodeAt(5) === 0x20 ? 6 : 5);

/** The common frame: one `data:` line `bytes[start, end)`, checked in place. */
function dataLineFlags(bytes: Buffer, start: number, end: number): number {
  const from = bytes[start + 5] === 0x20 ? start + 6 : start + 5;
  if (end - from === 6 && startsWith(bytes, from, DONE)) return FRAME.chatEvent | FRAME.done;
  return scanChatEvent(bytes, from, end);
}

/**
 * Any other frame `bytes[start, end)` (without its blank line): SSE fields, read as text. A frame with no data
 * (a comment, an event name alone) passes.
 */
function fieldsFlags(bytes: Buffer, start: number, end: number): number {
  let data: string | undefined;
  for (const line of bytes.toString('latin1', start, end).split(/\r?\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    if (!KNOWN_FIELD.test(line)) return 0;
    if (!line.startsWith('data')) continue;
    const value = line.slice(dataStart(line));
    data = data === undefined ? value : `${data}\n${value}`;
  }
  if (data === undefined) return FRAME.chatEvent;
  if (data === '[DONE]') return FRAME.chatEvent | FRAME.done;
  return scanChatEvent(Buffer.from(data, 'latin1'));
}

/** What one read of whole frames (each ended by a blank line) holds, from one pass over its bytes. */
export interface ChatFrames {
  /** Where the first frame that is not a chat stream event starts, or -1; nothing from there on is described. */
  malformedAt: number;
  /**
   * Frames carrying usage or an error event, in order, as triples: start, end (after its blank line), and the
   * flags of the frames before it.
   */
  marked: number[];
  /** The flags of every frame before `malformedAt`, together. */
  flags: number;
  /** The read's last frame is `[DONE]`. */
  doneAtEnd: boolean;
}

/**
 * Walks the frames of `bytes` (whole frames, each ended by a blank line, LF or CRLF), checking each is a chat
 * stream event and noting what it carries. The common frame (one `data:` line and an LF blank line) is found
 * with one search for its line end.
 */
export function scanChatFrames(bytes: Buffer): ChatFrames {
  const length = bytes.length;
  const crlf = bytes.indexOf(CR) !== -1;
  const marked: number[] = [];
  let flags = 0;
  let last = 0;
  for (let start = 0; start < length; ) {
    const lf = bytes.indexOf(LF, start);
    let end: number; // the frame's end, before its blank line
    let next: number; // where the next frame starts
    let frame: number;
    if (lf !== -1 && bytes[lf + 1] === LF && bytes[lf - 1] !== CR && startsWith(bytes, start, DATA)) {
      end = lf;
      next = lf + 2;
      frame = dataLineFlags(bytes, start, end);
    } else {
      const blank = bytes.indexOf(BLANK_LINE, start);
      const crlfBlank = crlf ? bytes.indexOf(CRLF_BLANK_LINE, start) : -1;
      const atCrlf = crlfBlank !== -1 && (blank === -1 || crlfBlank < blank);
      end = atCrlf ? crlfBlank : blank === -1 ? length : blank;
      next = atCrlf ? end + 4 : end + 2;
      frame =
        startsWith(bytes, start, DATA) && (lf === -1 || lf >= end)
          ? dataLineFlags(bytes, start, end)
          : fieldsFlags(bytes, start, end);
    }
    if (frame === 0) return { malformedAt: start, marked, flags, doneAtEnd: false };
    if ((frame & (FRAME.usage | FRAME.error)) !== 0) marked.push(start, Math.min(next, length), flags);
    flags |= frame;
    last = frame;
    start = next;
  }
  return { malformedAt: -1, marked, flags, doneAtEnd: (last & FRAME.done) !== 0 };
}

/**
 * Where the first frame of `bytes` (whole frames, each ended by a blank line) that is not a chat stream
 * event starts, or -1.
 */
export function firstMalformedFrame(bytes: Buffer): number {
  return scanChatFrames(bytes).malformedAt;
}
