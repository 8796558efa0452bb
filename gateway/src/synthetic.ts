import { propagation, context } from '@opentelemetry/api';
import type { Context } from 'koa';

/** Generated traffic says so with `X-Synthetic: true` or W3C baggage `synthetic=true`. */
export function isSynthetic(ctx: Context): boolean {
  if (ctx.get('x-synthetic').toLowerCase() === 'true') return true;
  const fromContext = propagation.getBaggage(context.active())?.getEntry('synthetic')?.value;
  if (fromContext === 'true') return true;
  return /(^|,)\s*synthetic\s*=\s*true\s*(;|,|$)/.test(ctx.get('baggage'));
}
