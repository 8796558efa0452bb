// Reads a JSON request body with limits, so malformed input becomes a clear 4xx, never a 500.
import type { Context } from 'koa';
import { Problem } from './problem.js';

const LIMIT_BYTES = 64 * 1024;

export async function readJson(ctx: Context): Promise<unknown> {
  if (!ctx.is('application/json'))
    throw new Problem('unsupported-media-type', 'send the body as application/json');
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > LIMIT_BYTES)
      throw new Problem('validation', `the body is larger than ${LIMIT_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Problem('malformed-json', `the body is not valid JSON: ${(err as Error).message}`);
  }
}
