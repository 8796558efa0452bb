export interface WaitForOptions {
  /** Give up after this long (default 10 000 ms). */
  timeoutMs?: number;
  /** Pause between attempts (default 50 ms). */
  intervalMs?: number;
  /** Says what was awaited; it starts the timeout error's message. */
  message?: string;
}

/**
 * Polls `fn` until it returns a truthy value without throwing, and resolves with that value.
 * On timeout it rejects with `message`, the last error or falsy result as the cause.
 */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<NonNullable<T>> {
  const { timeoutMs = 10_000, intervalMs = 50, message = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let lastValue: unknown;
  let attempts = 0;
  for (;;) {
    attempts += 1;
    try {
      const value = await fn();
      if (value) return value as NonNullable<T>;
      lastValue = value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const detail =
    lastError !== undefined
      ? `last error: ${lastError instanceof Error ? lastError.message : String(lastError)}`
      : `last result: ${JSON.stringify(lastValue)}`;
  throw new Error(
    `Timed out after ${timeoutMs} ms (${attempts} attempts) waiting for ${message}; ${detail}`,
    {
      cause: lastError,
    },
  );
}
