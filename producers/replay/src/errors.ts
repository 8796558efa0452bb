// Refusals and bad input. Each carries an HTTP status and a problem `type` slug, so the CLI prints
// the message and the console answers it as problem+json with the same words.

/** A request the replay tool will not carry out; `detail` says why and what to do instead. */
export class ReplayError extends Error {
  override readonly name: string = 'ReplayError';
  constructor(
    /** Problem slug, e.g. `group-active`. */
    readonly code: string,
    message: string,
    readonly status = 400,
    /** Structured detail for --json and problem documents (e.g. the active members). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Bad command-line or request input (an unparsable time, an unknown option). */
export class UsageError extends ReplayError {
  override readonly name = 'UsageError';
  constructor(message: string, field?: string) {
    super('invalid-request', message, 400, field ? { field } : {});
  }
}
