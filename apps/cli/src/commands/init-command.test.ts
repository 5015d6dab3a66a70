import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli, spawnCli, tempDir } from '../test-support/cli-harness';

describe('infermux init and config schema', () => {
  it('writes a commented example config that loads, and the schema that `config schema` prints', async () => {
    const dir = tempDir();
    const init = await runCli(['init'], { cwd: dir });
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    const yamlText = readFileSync(join(dir, 'infermux.config.yaml'), 'utf8');
    expect(yamlText).toMatch(/^# yaml-language-server: \$schema=\.\/infermux\.config\.schema\.json\n/);

    const printed = await runCli(['config', 'schema']);
    expect(printed.code).toBe(0);
    const schema = JSON.parse(printed.stdout);
    expect(JSON.parse(readFileSync(join(dir, 'infermux.config.schema.json'), 'utf8'))).toEqual(schema);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.additionalProperties).toBe(false);
    // Every section the example sets is one the schema describes.
    for (const section of Object.keys(parse(yamlText))) expect(Object.keys(schema.properties)).toContain(section);
    // The gateway's shared state (Redis) and its outage policy, as a file may set them.
    expect(Object.keys(schema.properties.server.properties.state.properties).sort()).toEqual([
      'cacheMaxEntryBytes',
      'keyPrefix',
      'onUnavailable',
      'redis',
    ]);
    expect(schema.properties.server.properties.state.properties.onUnavailable.properties.budgets.enum).toEqual([
      'local',
      'reject',
    ]);

    const resolved = await runCli(['config', '--json'], { cwd: dir });
    expect(resolved.stderr).toBe('');
    expect(JSON.parse(resolved.stdout)).toMatchObject({
      file: join(dir, 'infermux.config.yaml'),
      routes: { sentiment: { strategy: 'priority' } },
    });
  });

  it('never overwrites without --force (a usage error naming the file)', async () => {
    const dir = tempDir();
    expect((await runCli(['init'], { cwd: dir })).code).toBe(0);
    const again = await runCli(['init'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(join(dir, 'infermux.config.yaml'));
    expect(again.stderr).toContain('--force');
    expect((await runCli(['init', '--force'], { cwd: dir })).code).toBe(0);
  });

  it('accepts a $schema key in a JSON config', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'infermux.config.json'),
      JSON.stringify({ $schema: './infermux.config.schema.json', defaults: { provider: 'hf' } }),
    );
    const resolved = await runCli(['config', '--json'], { cwd: dir });
    expect(resolved.stderr).toBe('');
    expect(resolved.code).toBe(0);
  });

  it('init → serve: the gateway starts on the example config and answers /healthz', async () => {
    const dir = tempDir();
    expect((await runCli(['init'], { cwd: dir })).code).toBe(0);
    // The example config leaves the ledger at its default, under the XDG data directory.
    const dataHome = tempDir();
    const serve = spawnCli(['serve', '--port', '0'], { cwd: dir, env: { XDG_DATA_HOME: dataHome } });
    let stdout = '';
    serve.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => serve.once('exit', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`serve printed no URL: ${stdout}`)), 15_000);
        serve.stdout?.on('data', () => {
          const found = /listening on (http:\/\/\S+)/.exec(stdout)?.[1];
          if (found) {
            clearTimeout(timer);
            resolve(found);
          }
        });
      });
      const response = await fetch(new URL('/healthz', url));
      expect(response.status).toBe(200);
    } finally {
      serve.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(readFileSync(join(dataHome, 'infermux/gateway.sqlite')).length).toBeGreaterThan(0);
  });
});
