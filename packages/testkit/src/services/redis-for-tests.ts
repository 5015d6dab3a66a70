import { createConnection } from 'node:net';

export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function answersPing(url: string, timeoutMs: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379) });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/**
 * Whether the Redis tests can run (`tests` names them in the skip message). Without Redis they are skipped with a printed reason, except
 * under CI (`CI=true`, as `.ci/run` sets), where a missing Redis fails the run instead.
 */
export async function redisForTests(tests: string): Promise<boolean> {
  if (await answersPing(TEST_REDIS_URL, 1000)) return true;
  const reason = `Redis is not reachable at ${new URL(TEST_REDIS_URL).host}`;
  if (process.env.CI === 'true') throw new Error(`${reason}: CI requires it (start Redis or unset CI)`);
  console.warn(`skipping ${tests}: ${reason} (set REDIS_URL, or start redis-server)`);
  return false;
}
