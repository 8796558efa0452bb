import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManagementServer, type ConsumerSwitch, type Faults } from './management-server.js';

const faults: Faults = { delayMs: 0, failEventTypes: [] };
let paused = false;
const consumer: ConsumerSwitch = {
  pause: async () => void (paused = true),
  resume: async () => void (paused = false),
  paused: () => paused,
};
let server: Server;
let url: string;

beforeAll(async () => {
  server = await createManagementServer({
    port: 0,
    host: '127.0.0.1',
    service: 'payment',
    ready: () => true,
    membership: () =>
      paused
        ? { inGroup: false, state: 'paused', detail: 'paused by an operator' }
        : { inGroup: true, state: 'member' },
    faults,
    consumer,
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const call = (method: string, path: string, body?: object, token = 'admin-token-456') =>
  fetch(`${url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      'content-type': 'application/json',
    },
    body: body ? JSON.stringify(body) : undefined,
  });

describe('management server', () => {
  it('switches a handler to fail and back, refusing unknown event types', async () => {
    expect((await call('PUT', '/admin/faults', { failEventTypes: ['StockReserved'] })).status).toBe(
      200,
    );
    expect(faults.failEventTypes).toEqual(['StockReserved']);
    const bad = await call('PUT', '/admin/faults', { failEventTypes: ['Nope'] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toMatch(
      /failEventTypes must be a list of event names/,
    );
    expect((await call('PUT', '/admin/faults', {})).status).toBe(400);
    expect((await call('PUT', '/admin/faults', { failEventTypes: [] })).status).toBe(200);
    expect(faults).toEqual({ delayMs: 0, failEventTypes: [] });
  });

  it('pauses and resumes the consumer for the admin only, and readiness says paused', async () => {
    expect((await call('POST', '/admin/consumer/pause', undefined, '')).status).toBe(401);
    expect((await call('POST', '/admin/consumer/pause', undefined, 'user-token-123')).status).toBe(
      403,
    );
    const pause = await call('POST', '/admin/consumer/pause');
    expect(await pause.json()).toEqual({ consumer: 'paused' });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { group: { state: string } }).group.state).toBe('paused');
    expect(await (await call('POST', '/admin/consumer/resume')).json()).toEqual({
      consumer: 'running',
    });
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });
});
