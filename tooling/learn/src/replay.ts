// `npm run replay -- …` as an exercise step: the guide's command line, parsed by the replay tool's
// own option parser, carried out by the console's replay API (the same library, the same audit
// trail), so the runner needs nothing but HTTP to reach the stack.
import { parseCli, type Plan, type ReplayRecord } from '@webstore/replay';
import { adminToken, getJson } from './http.js';
import { waitUntil } from './runner.js';

/** The request a quoted `npm run replay -- <command> …` line makes. */
export function replayRequest(command: string) {
  const match = /^npm run replay --\s+(.*)$/.exec(command.trim());
  if (!match) throw new Error(`not a replay command: ${command}`);
  const invocation = parseCli(match[1]!.split(/\s+/).filter(Boolean));
  if (!invocation.request) throw new Error(`not a plan, rewind, republish or dlq: ${command}`);
  return invocation.request;
}

const admin = () => ({
  'content-type': 'application/json',
  authorization: `Bearer ${adminToken()}`,
});

/** A dry run: the plan of the command's window. */
export async function planReplay(command: string, consoleUrl: string): Promise<Plan> {
  const request = replayRequest(command);
  if (request.execute) throw new Error(`a plan is a dry run: ${command}`);
  const result = await getJson<{ plan: Plan }>(`${consoleUrl}/api/admin/replays`, {
    method: 'POST',
    headers: admin(),
    body: JSON.stringify(request),
  });
  return result.plan;
}

/** Executes a republish or redrive and follows it to its end; fails unless it completed. */
export async function executeReplay(command: string, consoleUrl: string): Promise<ReplayRecord> {
  const request = replayRequest(command);
  if (!request.execute) throw new Error(`not an execution (no --execute): ${command}`);
  const { id } = await getJson<{ id: string }>(`${consoleUrl}/api/admin/replays`, {
    method: 'POST',
    headers: admin(),
    body: JSON.stringify(request),
  });
  const record = await waitUntil(
    async () => {
      const r = await getJson<ReplayRecord>(`${consoleUrl}/api/admin/replays/${id}`, {
        headers: admin(),
      });
      return r.status === 'running' ? undefined : r;
    },
    `replay ${id} to finish`,
    60_000,
    250,
  );
  if (record.status !== 'completed')
    throw new Error(`replay ${id} ${record.status}: ${record.outcome ?? 'no outcome'}`);
  return record;
}
