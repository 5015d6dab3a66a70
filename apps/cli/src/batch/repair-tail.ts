import { type FileHandle, open } from 'node:fs/promises';

const BLOCK = 64 * 1024;

/**
 * A run killed mid-write can leave a partial last line. It is cut off here (the line
 * it belonged to has no complete record, so it runs again). Returns the bytes dropped.
 */
export async function repairTail(path: string): Promise<number> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return 0;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    if (last[0] === 0x0a) return 0;
    let end = size;
    const buffer = Buffer.alloc(BLOCK);
    while (end > 0) {
      const start = Math.max(0, end - BLOCK);
      const { bytesRead } = await handle.read(buffer, 0, end - start, start);
      const index = buffer.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (index !== -1) {
        await handle.truncate(start + index + 1);
        await handle.sync();
        return size - (start + index + 1);
      }
      end = start;
    }
    await handle.truncate(0);
    await handle.sync();
    return size;
  } finally {
    await handle.close();
  }
}
