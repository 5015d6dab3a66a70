/**
 * A request path pattern:
 * - an exact path: `/v1/models`
 * - a path with `:name` parameters (one segment each) and `*` wildcards (any characters, `/` included):
 *   `/models/:owner/:name`, `/:owner/:repo/resolve/:revision/*`
 * - a RegExp, tested against the path (without the query string).
 */
export type RoutePattern = string | RegExp;

/**
 * Values captured by a pattern, URL-decoded. `:name` parameters by name; `*` wildcards and RegExp groups
 * by position (`'0'`, `'1'`, …, like Express); RegExp named groups also by name.
 */
export type RouteParams = Record<string, string>;

/** Returns the captured params when `path` matches, `undefined` otherwise. */
export type PathMatcher = (path: string) => RouteParams | undefined;

const TOKEN = /:([A-Za-z_][A-Za-z0-9_]*)|\*/g;
const REGEXP_SPECIALS = /[.*+?^${}()|[\]\\]/g;

export function compileRoutePattern(pattern: RoutePattern): PathMatcher {
  if (pattern instanceof RegExp) return compileRegExp(pattern);
  // Exact paths are the common case (and what benchmarks hit), so they skip the RegExp entirely.
  if (!pattern.includes(':') && !pattern.includes('*')) {
    return (path) => (path === pattern ? {} : undefined);
  }
  return compilePathTemplate(pattern);
}

function compilePathTemplate(template: string): PathMatcher {
  const names: string[] = [];
  let wildcards = 0;
  let source = '^';
  let literalStart = 0;
  for (const token of template.matchAll(TOKEN)) {
    source += escapeRegExp(template.slice(literalStart, token.index));
    if (token[1] === undefined) {
      names.push(String(wildcards++));
      source += '(.*)';
    } else {
      names.push(token[1]);
      source += '([^/]+)';
    }
    literalStart = token.index + token[0].length;
  }
  source += `${escapeRegExp(template.slice(literalStart))}$`;
  const expression = new RegExp(source);
  return (path) => {
    const match = expression.exec(path);
    if (match === null) return undefined;
    const params: RouteParams = {};
    for (let index = 0; index < names.length; index++) {
      params[names[index] as string] = decodeSegment(match[index + 1] ?? '');
    }
    return params;
  };
}

function compileRegExp(pattern: RegExp): PathMatcher {
  // Global and sticky RegExps keep `lastIndex` between calls, which would make matching depend on the
  // previous request; a copy without those flags is stateless.
  const expression = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
  return (path) => {
    const match = expression.exec(path);
    if (match === null) return undefined;
    const params: RouteParams = {};
    for (let index = 1; index < match.length; index++) {
      const value = match[index];
      if (value !== undefined) params[String(index - 1)] = decodeSegment(value);
    }
    for (const [name, value] of Object.entries(match.groups ?? {})) {
      if (value !== undefined) params[name] = decodeSegment(value);
    }
    return params;
  };
}

function escapeRegExp(literal: string): string {
  return literal.replace(REGEXP_SPECIALS, '\\$&');
}

function decodeSegment(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    // A malformed escape is the client's problem; the handler still sees what was sent.
    return value;
  }
}
