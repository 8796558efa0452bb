// `npm run traffic -- …` as an exercise step: the guide's command line, parsed by the traffic
// generator's own option parser and run by its own runner, against the targets' gateway.
import { parseOptions, runTraffic, type Summary } from '@webstore/traffic';
import { setSlowConsumer } from './http.js';

/** The arguments after `npm run traffic --` in a quoted command. */
export function trafficArgs(command: string): string[] {
  const match = /^npm run traffic --(?:\s+(.*))?$/.exec(command.trim());
  if (!match) throw new Error(`not a traffic command: ${command}`);
  return (match[1] ?? '').split(/\s+/).filter(Boolean);
}

/** Runs the traffic command (its slow-consumer switch included, as the CLI does). */
export async function runTrafficCommand(command: string, gateway: string): Promise<Summary> {
  const options = parseOptions([...trafficArgs(command), '--url', gateway]);
  if (options === 'help') throw new Error('--help is not a run');
  const slow = options.scenario.slowConsumer;
  if (slow) await setSlowConsumer(gateway, slow.service, slow.delayMs);
  try {
    return await runTraffic({ ...options, drainSeconds: 20 });
  } finally {
    if (slow) await setSlowConsumer(gateway, slow.service, 0);
  }
}

export function describeSummary(s: Summary): string {
  return (
    `${s.requests.total} requests, ${s.shoppers.total} shoppers, ${s.orders.placed} orders ` +
    `(${s.orders.completed} completed, ${s.orders.failed} failed, ${s.orders.pending} pending)`
  );
}
