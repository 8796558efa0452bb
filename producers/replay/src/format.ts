// Human-readable output of each command (the CLI prints it; --json prints the objects instead).
import type { ReplayRecord } from './audit.js';
import type { CommandResult } from './commands.js';
import type { Plan } from './plan.js';
import type { PartitionLag } from './groups.js';

const types = (t: Record<string, number>) =>
  Object.entries(t)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k}×${v}`)
    .join(', ') || '-';

function planText(plan: Plan, verb: string): string[] {
  const lines = [
    `${verb} ${plan.topic} from ${plan.from ?? 'the start'} to ${plan.to}${filterText(plan)}: ${plan.total} record(s)`,
  ];
  for (const p of plan.partitions)
    lines.push(
      `  partition ${p.partition}: offsets ${p.fromOffset ?? '-'}..${p.toOffset ?? '-'}  ${p.matched} of ${p.scanned} read  ${types(p.eventTypes)}  keys ${p.sampleKeys.join(' ') || '-'}`,
    );
  lines.push(`  event types: ${types(plan.eventTypes)}`);
  return lines;
}

function filterText(plan: Plan): string {
  const f = plan.filter;
  const parts = [
    f.key && `key=${f.key}`,
    f.type && `type=${f.type}`,
    f.country && `country=${f.country}`,
    ...Object.entries(f.headers ?? {}).map(([k, v]) => `header ${k}=${v}`),
  ].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

const lagText = (lags: PartitionLag[]) =>
  lags.map((l) => `${l.topic}/${l.partition}=${l.lag}`).join(' ') || '-';

/** Lines describing a command's result. */
export function formatResult(result: CommandResult): string {
  const dry = 'dry run (nothing changed; add --execute to carry it out)';
  switch (result.command) {
    case 'plan':
      return planText(result.plan, 'window of').join('\n');
    case 'rewind': {
      const lines = [
        `${result.executed ? `rewound (replay ${result.replayId})` : dry}: group ${result.group} (${result.state}, ${result.members.length} member(s)${result.members.length ? `: ${result.members.map((m) => m.clientId).join(', ')}` : ''})`,
      ];
      for (const p of result.partitions)
        lines.push(
          `  ${p.topic}/${p.partition}: committed ${p.from} -> ${p.to}  (${p.replayed >= 0 ? `${p.replayed} to read again` : `${-p.replayed} skipped`})`,
        );
      lines.push(
        `  lag before: ${lagText(result.lagBefore)}  (total ${result.lagBefore.reduce((n, l) => n + l.lag, 0)})`,
      );
      if (result.lagAfter)
        lines.push(
          `  lag after:  ${lagText(result.lagAfter)}  (total ${result.lagAfter.reduce((n, l) => n + l.lag, 0)})`,
        );
      return lines.join('\n');
    }
    case 'republish':
    case 'dlq': {
      const verb = result.command === 'dlq' ? 'dead letters in' : 'republish';
      const lines = planText(result.plan, verb);
      if (result.command === 'dlq' && result.alreadyRedriven)
        lines.push(`  ${result.alreadyRedriven} redriven earlier, left out`);
      lines.push(
        `  targets: ${
          Object.entries(result.targets)
            .map(([t, n]) => `${t}×${n}`)
            .join(', ') || '-'
        }`,
      );
      if (!result.executed) lines.push(dry);
      else
        lines.push(
          `${result.status}: replay ${result.replayId}, ${result.published} published${result.alreadyDone ? ` (+${result.alreadyDone} before resuming)` : ''} in ${result.durationMs} ms (${result.ratePerSecond}/s)`,
        );
      return lines.join('\n');
    }
  }
}

/** One line per audit record. */
export function formatList(records: ReplayRecord[]): string {
  if (records.length === 0) return 'no replays recorded yet';
  return records
    .map(
      (r) =>
        `${r.id}  ${r.startedAt}  ${r.kind.padEnd(9)} ${r.status.padEnd(11)} by ${r.operator}  ${r.outcome ?? ''}`,
    )
    .join('\n');
}

/** The whole audit record. */
export function formatRecord(r: ReplayRecord): string {
  return [
    `replay ${r.id} (${r.kind}) by ${r.operator}`,
    `  started ${r.startedAt}, finished ${r.finishedAt ?? '-'}, ${r.status}`,
    `  request: ${JSON.stringify(r.request)}`,
    `  counts: ${JSON.stringify(r.counts)}`,
    `  outcome: ${r.outcome ?? '-'}`,
  ].join('\n');
}
