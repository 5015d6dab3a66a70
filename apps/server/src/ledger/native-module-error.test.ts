import { describe, expect, it } from 'vitest';
import { nativeModuleError } from './native-module-error';

describe('nativeModuleError', () => {
  it('turns the bindings lookup failure (an unbuilt module) into one line of advice', () => {
    const unbuilt = Object.assign(new Error('Could not locate the bindings file.'), { tries: ['/x/build/Release'] });
    const error = nativeModuleError(unbuilt);
    expect(error?.code).toBe('gateway_dependency_missing');
    expect(error?.details).toEqual({ dependency: 'better-sqlite3' });
    expect(error?.message).not.toContain('\n');
    expect(error?.message).toContain('pnpm approve-builds');
    expect(error?.message).toContain('npm rebuild better-sqlite3');
  });

  it('recognises a module built for another Node.js (ERR_DLOPEN_FAILED)', () => {
    const wrongAbi = Object.assign(new Error('was compiled against a different Node.js version'), {
      code: 'ERR_DLOPEN_FAILED',
    });
    expect(nativeModuleError(wrongAbi)?.code).toBe('gateway_dependency_missing');
  });

  it('leaves every other error alone', () => {
    expect(nativeModuleError(Object.assign(new Error('disk full'), { code: 'SQLITE_FULL' }))).toBeUndefined();
    expect(nativeModuleError('text')).toBeUndefined();
    expect(nativeModuleError(null)).toBeUndefined();
  });
});
