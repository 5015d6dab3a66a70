/** `--poll-interval <ms>`, else `INFERMUX_POLL_INTERVAL_MS`, else core's default cadence. */
export function pollIntervalMs(flag: string | undefined, env: NodeJS.ProcessEnv): number | undefined {
  const text = flag ?? env.INFERMUX_POLL_INTERVAL_MS;
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}
