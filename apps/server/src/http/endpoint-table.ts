/** A path pattern: `/v1/videos/{id}/content`; `{name+}` takes the rest of the path (slashes included). */
export interface EndpointMatch<T> {
  value: T;
  params: Readonly<Record<string, string>>;
}

interface PatternRoute<T> {
  method: string;
  regex: RegExp;
  names: string[];
  value: T;
}

/** The parameters of a static path: none (shared, and frozen since it is). */
export const noParams: Readonly<Record<string, string>> = Object.freeze({});

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
  /** Static paths by method, then path: no `method path` key built per request, and one match object each. */
  private readonly exact = new Map<string, Map<string, EndpointMatch<T>>>();
  private readonly patterns: PatternRoute<T>[] = [];
  /** Every endpoint with a regex of its path, for 405s and `Allow` (not on the hot path). */
  private readonly byPath: Array<{ method: string; regex: RegExp; value: T }> = [];

  add(method: string, pattern: string, value: T): void {
    if (!pattern.includes('{')) {
      let paths = this.exact.get(method);
      if (!paths) {
        paths = new Map();
        this.exact.set(method, paths);
      }
      paths.set(pattern, { value, params: noParams });
      this.byPath.push({ method, regex: new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`), value });
      return;
    }
    const { regex, names } = compile(pattern);
    this.patterns.push({ method, regex, names, value });
    this.byPath.push({ method, regex, value });
  }

  match(method: string, path: string): EndpointMatch<T> | undefined {
    const exact = this.exact.get(method)?.get(path);
    if (exact !== undefined) return exact;
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
