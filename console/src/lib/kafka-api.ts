// The Kafka browser and replay admin API, for the Kafka and replay pages only (their own chunk).
// Admin routes send the admin token the operator typed in (kept in sessionStorage, never fetched).
import { ApiError, get, problemDetail, type Query } from './api.js';

export interface TopicInfo {
  name: string;
  partitions: { partition: number; low: number; high: number; messages: number }[];
  messages: number;
  retentionMs: number | null;
  description: string | null;
  messagesLastMinute: number;
}

export interface KafkaMessage {
  partition: number;
  offset: number;
  timestamp: string;
  key: string | null;
  headers: Record<string, string>;
  value: unknown;
  traceId: string | null;
}

export interface GroupOffset {
  topic: string;
  partition: number;
  committed: number;
  high: number;
  lag: number;
}

export interface GroupInfo {
  groupId: string;
  state: string;
  protocol: string | null;
  members: {
    memberId: string;
    clientId: string;
    clientHost: string;
    /** The member's service.instance.id, from the join it logged (null if the console has not heard it). */
    instance: string | null;
    assignment: Record<string, number[]>;
  }[];
  offsets: GroupOffset[];
  lag: number;
}

/** One join or leave of a consumer instance (GET /api/kafka/groups/:groupId/history). */
export interface OwnershipChange {
  time: string;
  event: 'joined' | 'left';
  service: string;
  instance: string | null;
  memberId: string | null;
  assignment: Record<string, number[]>;
  previous: Record<string, number[]>;
  state?: string;
  reason?: string;
}

export interface PartitionPlan {
  partition: number;
  fromOffset: number | null;
  toOffset: number | null;
  scanned: number;
  matched: number;
  eventTypes: Record<string, number>;
  sampleKeys: string[];
}

export interface Plan {
  topic: string;
  from: string | null;
  to: string;
  partitions: PartitionPlan[];
  total: number;
  eventTypes: Record<string, number>;
  sampleKeys: string[];
}

/** The JSON body of POST /api/admin/replays: the CLI's flags. */
export interface ReplayRequest {
  command: 'plan' | 'rewind' | 'republish' | 'dlq';
  topic?: string;
  topics?: string[];
  from?: string;
  to?: string;
  key?: string;
  type?: string;
  country?: string;
  group?: string;
  toDatetime?: string;
  byDuration?: string;
  shiftBy?: number;
  toEarliest?: boolean;
  stopService?: boolean;
  target?: string;
  rate?: number;
  speed?: number;
  originalTiming?: boolean;
  asNew?: boolean;
  includeReplays?: boolean;
  eventId?: string;
  all?: boolean;
  execute?: boolean;
}

export interface ReplayRecord {
  id: string;
  kind: string;
  operator: string;
  startedAt: string;
  finishedAt: string | null;
  status: string;
  request: Record<string, unknown>;
  counts: Record<string, number>;
  progress: Record<string, number>;
  outcome: string | null;
}

export interface Progress {
  replayId: string;
  done: number;
  total: number;
}

/** A plan, a dry run or a finished rewind (200/201), or a started republish/redrive (202). */
export type ReplayAnswer =
  | { id: string; status: 'running'; events: string }
  | ({ command: string; plan?: Plan; executed?: boolean; replayId?: string | null } & Record<
      string,
      unknown
    >);

const TOKEN_KEY = 'webstore.console.adminToken';

export const adminToken = {
  get: (): string => sessionStorage.getItem(TOKEN_KEY) ?? '',
  set: (token: string): void =>
    token ? sessionStorage.setItem(TOKEN_KEY, token) : sessionStorage.removeItem(TOKEN_KEY),
};

function authorized(): RequestInit {
  const token = adminToken.get();
  if (!token)
    throw new ApiError('Enter the admin token first (this changes or reads admin state).', 401);
  return { headers: { authorization: `Bearer ${token}` } };
}

async function post<T>(path: string, body: unknown): Promise<T> {
  const init = authorized();
  let response: Response;
  try {
    response = await fetch(path, {
      method: 'POST',
      headers: { ...(init.headers as Record<string, string>), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(`The console API is not answering (${(err as Error).message}).`, 0);
  }
  if (!response.ok) throw new ApiError(await problemDetail(response), response.status);
  return (await response.json()) as T;
}

export const kafkaApi = {
  topics: (signal?: AbortSignal) => get<{ topics: TopicInfo[] }>('/api/kafka/topics', {}, signal),
  messages: (topic: string, q: Query, signal?: AbortSignal) =>
    get<{ topic: string; messages: KafkaMessage[] }>(
      `/api/kafka/topics/${encodeURIComponent(topic)}/messages`,
      q,
      signal,
    ),
  groups: (signal?: AbortSignal) => get<{ groups: GroupInfo[] }>('/api/kafka/groups', {}, signal),
  groupHistory: (groupId: string, signal?: AbortSignal) =>
    get<{ groupId: string; changes: OwnershipChange[] }>(
      `/api/kafka/groups/${encodeURIComponent(groupId)}/history`,
      {},
      signal,
    ),
  replay: (request: ReplayRequest) => post<ReplayAnswer>('/api/admin/replays', request),
  replays: (signal?: AbortSignal) =>
    get<{ replays: ReplayRecord[] }>('/api/admin/replays', {}, signal, authorized()),
  replayRecord: (id: string, signal?: AbortSignal) =>
    get<ReplayRecord & { live: { progress: Progress | null; error: string | null } | null }>(
      `/api/admin/replays/${encodeURIComponent(id)}`,
      {},
      signal,
      authorized(),
    ),
};

/**
 * Follows a replay's Server-Sent Events (`record`, `progress`, then `done` or `failed`). fetch,
 * not EventSource, because the stream needs the Authorization header. Returns a stop function.
 */
export function followReplay(
  id: string,
  on: (event: string, data: unknown) => void,
  onError: (err: Error) => void,
): () => void {
  const controller = new AbortController();
  void (async () => {
    const response = await fetch(`/api/admin/replays/${encodeURIComponent(id)}/events`, {
      ...authorized(),
      signal: controller.signal,
    });
    if (!response.ok || !response.body)
      throw new ApiError(await problemDetail(response), response.status);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
        const data = /^data: (.*)$/m.exec(block)?.[1];
        on(event, data === undefined ? null : JSON.parse(data));
      }
    }
  })().catch((err: Error) => {
    if (err.name !== 'AbortError') onError(err);
  });
  return () => controller.abort();
}

/** `orders/3/41` (a webstore_replay_of or dlq origin) as the message browser's URL. */
export function messageHref(topic: string, partition: number | string, offset: number | string) {
  return `/kafka/topics/${encodeURIComponent(topic)}?partition=${partition}&offset=${offset}`;
}

export function originHref(origin: string | undefined): string | undefined {
  const m = origin ? /^(.+)\/(\d+)\/(\d+)$/.exec(origin) : null;
  return m ? messageHref(m[1]!, m[2]!, m[3]!) : undefined;
}

export function retention(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 0) return 'forever';
  const h = ms / 3_600_000;
  return h >= 24 ? `${+(h / 24).toFixed(1)} d` : `${+h.toFixed(1)} h`;
}
