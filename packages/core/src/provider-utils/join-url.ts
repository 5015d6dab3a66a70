/** Joins a base URL and a path without doubling or losing the slash. */
export function joinURL(baseURL: string, path: string): string {
  return `${withoutTrailingSlashes(baseURL)}/${path.replace(/^\/+/, '')}`;
}

/** `https://host/v1/` → `https://host/v1`: configured base URLs come with or without the slash. */
export function withoutTrailingSlashes(url: string): string {
  return url.replace(/\/+$/, '');
}
