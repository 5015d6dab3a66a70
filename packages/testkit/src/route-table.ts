import type { FakeHandler, FakeRoute } from './fake-route.js';
import { compileRoutePattern, type PathMatcher, type RouteParams } from './route-pattern.js';

interface CompiledRoute {
  method: string;
  matchPath: PathMatcher;
  handler: FakeHandler;
}

export interface RouteMatch {
  handler: FakeHandler;
  params: RouteParams;
}

/**
 * Routes in registration order. The most recently added matching route wins, so a test can override
 * one route of a provider fake by adding its own; register catch-all patterns before specific ones.
 */
export class RouteTable {
  private routes: CompiledRoute[] = [];

  /** Returns a function that removes the route again. */
  add(route: FakeRoute): () => void {
    const compiled: CompiledRoute = {
      method: route.method.toUpperCase(),
      matchPath: compileRoutePattern(route.path),
      handler: route.handler,
    };
    this.routes.push(compiled);
    return () => {
      this.routes = this.routes.filter((candidate) => candidate !== compiled);
    };
  }

  match(method: string, path: string): RouteMatch | undefined {
    for (let index = this.routes.length - 1; index >= 0; index--) {
      const route = this.routes[index] as CompiledRoute;
      if (route.method !== method && route.method !== '*') continue;
      const params = route.matchPath(path);
      if (params !== undefined) return { handler: route.handler, params };
    }
    return undefined;
  }
}
