import { describe, expect, it } from 'vitest';
import { serverConfigSchema } from './server-config-schema';

const issuesOf = (cors: unknown) => {
  const parsed = serverConfigSchema.safeParse({ cors });
  return parsed.success ? [] : parsed.error.issues.map((issue) => ({ path: issue.path, message: issue.message }));
};

describe('server.cors', () => {
  it('is off unless set, and fills credentials and max age', () => {
    expect(serverConfigSchema.parse({}).cors).toBeUndefined();
    expect(serverConfigSchema.parse({ cors: { origins: ['https://app.example.com'] } }).cors).toEqual({
      origins: ['https://app.example.com'],
      credentials: false,
      maxAgeSeconds: 600,
    });
  });

  it('refuses what a browser never sends as an origin, naming the entry', () => {
    for (const origin of ['https://app.example.com/', 'https://app.example.com/path', 'app.example.com', 'null']) {
      const issues = issuesOf({ origins: ['http://localhost:5173', origin] });
      expect(issues[0]?.path, origin).toEqual(['cors', 'origins', 1]);
      expect(issues[0]?.message).toContain('no trailing slash');
    }
    expect(issuesOf({ origins: [] })[0]?.message).toContain('at least one origin');
  });

  it('refuses credentials with "*" and a header name with a space', () => {
    expect(issuesOf({ origins: '*', credentials: true })).toEqual([
      expect.objectContaining({ path: ['cors', 'credentials'] }),
    ]);
    expect(issuesOf({ origins: '*', allowedHeaders: ['bad header'] })[0]?.path).toEqual(['cors', 'allowedHeaders', 0]);
  });
});
