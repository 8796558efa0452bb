// The console's pages: one table, matched in order. A page is a lazily loaded Svelte component
// that gets the pattern's `:params` as props; `nav` puts it in the header.
import type { Component } from 'svelte';

// Pages take different params (none, or `traceId`), all strings from the path.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Page = Component<any>;

export interface Route {
  pattern: string;
  title: string;
  nav?: string;
  load: () => Promise<{ default: Page }>;
}

const traces = () => import('./views/Traces.svelte');
const groups = () => import('./views/kafka/Groups.svelte');

export const routes: Route[] = [
  { pattern: '/', title: 'Traces', load: traces },
  { pattern: '/traces', title: 'Traces', nav: 'Traces', load: traces },
  { pattern: '/traces/:traceId', title: 'Trace', load: () => import('./views/Trace.svelte') },
  {
    pattern: '/map',
    title: 'Service map',
    nav: 'Service map',
    load: () => import('./views/ServiceMap.svelte'),
  },
  { pattern: '/logs', title: 'Logs', nav: 'Logs', load: () => import('./views/Logs.svelte') },
  {
    pattern: '/dashboards/overview',
    title: 'Overview dashboard',
    nav: 'Overview',
    load: () => import('./views/dashboards/Overview.svelte'),
  },
  {
    pattern: '/dashboards/async',
    title: 'Async flow dashboard',
    nav: 'Async flow',
    load: () => import('./views/dashboards/Async.svelte'),
  },
  {
    pattern: '/kafka/topics',
    title: 'Topics',
    nav: 'Topics',
    load: () => import('./views/kafka/Topics.svelte'),
  },
  {
    pattern: '/kafka/topics/:topic',
    title: 'Messages',
    load: () => import('./views/kafka/Messages.svelte'),
  },
  { pattern: '/kafka/groups', title: 'Consumer groups', nav: 'Groups', load: groups },
  { pattern: '/kafka/groups/:group', title: 'Consumer group', load: groups },
  {
    pattern: '/kafka/dlq',
    title: 'Dead letters',
    nav: 'Dead letters',
    load: () => import('./views/kafka/DeadLetters.svelte'),
  },
  {
    pattern: '/replays',
    title: 'Replays',
    nav: 'Replays',
    load: () => import('./views/replays/Replays.svelte'),
  },
  { pattern: '/replays/:id', title: 'Replay', load: () => import('./views/replays/Replay.svelte') },
  {
    pattern: '/alerts',
    title: 'Alerts',
    nav: 'Alerts',
    load: () => import('./views/Alerts.svelte'),
  },
];

/** The first route whose pattern matches the path, with its params decoded. */
export function match(path: string): { route: Route; params: Record<string, string> } | undefined {
  const parts = path.split('/').filter(Boolean);
  for (const route of routes) {
    const pattern = route.pattern.split('/').filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    if (
      pattern.every((p, i) => {
        if (p.startsWith(':')) return ((params[p.slice(1)] = decodeURIComponent(parts[i]!)), true);
        return p === parts[i];
      })
    )
      return { route, params };
  }
  return undefined;
}
