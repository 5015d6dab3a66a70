/** A path pattern: `/v1/videos/{id}/content`; `{name+}` takes the rest of the path (slashes included). */
export interface EndpointMatch<T> {
  value: T;
  params: Record<string, string>;
}

interface PatternRoute<T> {
  method: string;
  regex: RegExp;
  names: string[];
  value: T;
}

function compile(pattern: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const source = pattern
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)(\+?)\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1] as string);
      return param[2] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return { regex: new RegExp(`^${source}$`), names };
}

/**
 * The gateway's HTTP endpoints by method + path: static paths are one Map lookup (the hot endpoints),
 * patterns are tried in the order they were added.
 */
export class EndpointTable<T> {
  private readonly exact = new Map<string, T>();
  private readonly patterns: PatternRoute<T>[] = [];
  /** Every endpoint with a regex of its path, for 405s and `Allow` (not on the hot path). */
  private readonly byPath: Array<{ method: string; regex: RegExp; value: T }> = [];

  add(method: string, pattern: string, value: T): void {
    if (!pattern.includes('{')) {
      this.exact.set(`${method} ${pattern}`, value);
      this.byPath.push({ method, regex: new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`), value });
      return;
    }
    const { regex, names } = compile(pattern);
    this.patterns.push({ method, regex, names, value });
    this.byPath.push({ method, regex, value });
  }

  match(method: string, path: string): EndpointMatch<T> | undefined {
    const exact = this.exact.get(`${method} ${path}`);
    if (exact !== undefined) return { value: exact, params: {} };
    for (const route of this.patterns) {
      if (route.method !== method) continue;
      const found = route.regex.exec(path);
      if (!found) continue;
      const params: Record<string, string> = {};
      for (let index = 0; index < route.names.length; index++) {
        const raw = found[index + 1] as string;
        try {
          params[route.names[index] as string] = decodeURIComponent(raw);
        } catch {
          params[route.names[index] as string] = raw;
        }
      }
      return { value: route.value, params };
    }
    return undefined;
  }

  /** True when some method serves this path (a 405 rather than a 404). */
  hasPath(path: string): boolean {
    return this.byPath.some((route) => route.regex.test(path));
  }

  /** The methods whose endpoint matches this path and passes `include` (the `Allow` header), in table order. */
  methodsFor(path: string, include: (value: T) => boolean = () => true): string[] {
    const methods: string[] = [];
    for (const route of this.byPath)
      if (!methods.includes(route.method) && route.regex.test(path) && include(route.value)) methods.push(route.method);
    return methods;
  }
}
