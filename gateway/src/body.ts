// Reads a JSON request body with limits, so malformed input becomes a clear 4xx, never a 500.
import type { Context } from 'koa';
import { Problem } from './problem.js';

/** The largest request body the gateway reads; larger ones are answered 413. */
export const BODY_LIMIT_BYTES = 64 * 1024;

function tooLarge(ctx: Context): Problem {
  // The rest of the body is not read: the connection is not reused for another request.
  ctx.set('Connection', 'close');
  return new Problem('too-large', `the body is larger than ${BODY_LIMIT_BYTES} bytes`);
}

export async function readJson(ctx: Context): Promise<unknown> {
  if (!ctx.is('application/json'))
    throw new Problem('unsupported-media-type', 'send the body as application/json');
  // A declared length over the limit is refused before a byte of the body is read.
  if (Number(ctx.get('content-length')) > BODY_LIMIT_BYTES) throw tooLarge(ctx);
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT_BYTES) throw tooLarge(ctx);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Problem('malformed-json', `the body is not valid JSON: ${(err as Error).message}`);
  }
}
