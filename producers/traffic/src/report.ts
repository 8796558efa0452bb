import type { Stats, Summary } from './stats.js';

/** One progress line: a bar on a terminal (redrawn in place), plain lines otherwise. */
export function progressLine(stats: Stats, elapsed: number, duration: number, width = 24): string {
  const done = Math.min(1, elapsed / duration);
  const bar = `${'#'.repeat(Math.round(done * width))}${'.'.repeat(width - Math.round(done * width))}`;
  const rate = elapsed > 0 ? (stats.requests / elapsed).toFixed(1) : '0.0';
  return `[${bar}] ${Math.floor(Math.min(elapsed, duration))}s/${duration}s  requests ${stats.requests}  shoppers ${stats.shoppers.total}  orders ${stats.orders.size}  failures ${stats.failures}  ${rate} req/s`;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

export function formatSummary(s: Summary): string {
  const lines = [
    `Traffic summary: scenario ${s.scenario}, seed ${s.seed}, ${s.users} users, ${s.durationSeconds} s (synthetic)`,
    `Shoppers: ${s.shoppers.total} (browsers ${s.shoppers.browser}, abandoners ${s.shoppers.abandoner}, buyers ${s.shoppers.buyer})`,
    'Funnel:',
    ...Object.entries(s.funnel).map(
      ([stage, n]) => `  ${stage.padEnd(18)} ${String(n).padStart(6)}`,
    ),
    `Conversion (complete / shoppers): ${pct(s.conversion)}; cart abandonment: ${pct(s.cartAbandonment)}`,
    `Orders: ${s.orders.placed} placed, ${s.orders.completed} completed, ${s.orders.failed} failed, ${s.orders.pending} still pending`,
    ...Object.entries(s.orders.failedByReason).map(
      ([reason, n]) => `  failed: ${reason.padEnd(18)} ${n}`,
    ),
    `Payment declines by country: ${
      Object.entries(s.declinesByCountry)
        .map(([c, n]) => `${c} ${n}`)
        .join(', ') || 'none'
    }`,
    `Requests: ${s.requests.total} (${s.requests.perSecond}/s), latency p50 ${s.requests.latencyMs.p50} ms, p95 ${s.requests.latencyMs.p95} ms, p99 ${s.requests.latencyMs.p99} ms`,
    `HTTP errors: ${
      Object.entries(s.requests.errors)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ') || 'none'
    }`,
  ];
  return lines.join('\n');
}
