/** Thrown inside a fake task to answer with an error status and body (the real server's shapes). */
export class FakeHfError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(
      typeof body === 'object' && body !== null && 'error' in body
        ? String((body as { error: unknown }).error)
        : `HTTP ${status}`,
    );
  }
}

export function badRequest(message: string): FakeHfError {
  return new FakeHfError(400, { error: message });
}
