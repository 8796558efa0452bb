import { describe, expect, it } from 'vitest';
import { waitFor } from './wait-for.js';

describe('waitFor', () => {
  it('resolves with the first truthy value', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? { calls } : undefined), { intervalMs: 1 });
    expect(value).toEqual({ calls: 3 });
  });

  it('keeps polling while fn throws or its promise rejects', async () => {
    let calls = 0;
    const value = await waitFor(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error('not yet');
        return 'ok';
      },
      { intervalMs: 1 },
    );
    expect(value).toBe('ok');
  });

  it('times out with the message and the last error', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('broker unreachable');
        },
        { timeoutMs: 60, intervalMs: 10, message: 'the broker' },
      ),
    ).rejects.toThrow(/waiting for the broker; last error: broker unreachable/);
  });

  it('times out naming the last falsy result', async () => {
    await expect(
      waitFor(() => 0, { timeoutMs: 30, intervalMs: 5, message: 'a count' }),
    ).rejects.toThrow(/a count; last result: 0/);
  });
});
