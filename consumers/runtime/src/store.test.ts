import { describe, expect, it } from 'vitest';
import { openStore, writtenPerTurn } from './store.js';

describe('writtenPerTurn', () => {
  it('writes what one turn hands over together, and each caller waits for its own item', async () => {
    const store = openStore();
    const table = store.table<number>('items');
    const writes: string[][] = [];
    const write = writtenPerTurn<string>((keys) => {
      writes.push(keys);
      store.transaction(() => keys.forEach((k, i) => table.put(k, i)));
    });
    const first = Promise.all(['a', 'b', 'c'].map(write));
    expect(table.count()).toBe(0);
    await first;
    expect(table.count()).toBe(3);
    await write('d');
    expect(writes).toEqual([['a', 'b', 'c'], ['d']]);
    store.close();
  });

  it('fails only the caller whose item cannot be written', async () => {
    const written: string[] = [];
    const write = writtenPerTurn<string>(
      (keys) => {
        if (keys.includes('bad')) throw new Error('the turn failed');
        written.push(...keys);
      },
      (key) => {
        if (key === 'bad') throw new Error(`cannot write ${key}`);
        written.push(key);
      },
    );
    const results = await Promise.allSettled(['x', 'bad', 'y'].map(write));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({
      message: 'cannot write bad',
    });
    expect(written).toEqual(['x', 'y']);
  });
});
