// Asks a consumer service to leave its group for a while (`POST /admin/consumer/pause`) and to
// join again (`POST /admin/consumer/resume`), so a rewind can move the group's offsets.
import { ReplayError } from './errors.js';

const DEFAULT_PORTS: Record<string, number> = { inventory: 8101, payment: 8102, analytics: 8103 };

/** The management URL of the service that owns a group: `<GROUP>_URL`, else its default port. */
export function serviceUrlFor(
  group: string,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const fromEnv = env[`${group.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`];
  if (fromEnv) return fromEnv;
  const port = DEFAULT_PORTS[group];
  return port ? `http://127.0.0.1:${port}` : undefined;
}

/** Pauses or resumes the service's consumer; throws `service-switch-failed` (502) when it says no. */
export async function switchConsumer(
  url: string,
  action: 'pause' | 'resume',
  token: string,
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(`${url}/admin/consumer/${action}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
  } catch (err) {
    throw new ReplayError(
      'service-switch-failed',
      `could not ask ${url} to ${action} its consumer: ${(err as Error).message}`,
      502,
    );
  }
  if (!response.ok)
    throw new ReplayError(
      'service-switch-failed',
      `${url} refused to ${action} its consumer (${response.status}): ${await response.text()}`,
      502,
    );
}
