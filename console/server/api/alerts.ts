// GET /api/alerts: the pending and firing alerts of the Prometheus that evaluates our rules
// (PROMETHEUS_URL), read from its /api/v1/alerts. Read-only; without a Prometheus it says how to
// get one.
import Router from '@koa/router';
import { oneOf } from './params.js';
import { Problem } from './problem.js';

interface PrometheusAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
  activeAt?: string;
  value?: string;
}

export interface Alert {
  name: string;
  state: 'pending' | 'firing';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  activeAt: string | null;
  value: number | null;
}

export function alertsRouter(prometheusUrl: string | undefined): Router {
  const router = new Router();
  router.get('/api/alerts', async (ctx) => {
    const state = oneOf(ctx, 'state', ['pending', 'firing'] as const);
    if (!prometheusUrl)
      throw new Problem(
        'unavailable',
        'no Prometheus evaluates the alert rules here: start the stack with `npm start -- --with-prometheus` (needs `apt-get install prometheus`), or set PROMETHEUS_URL',
        undefined,
        { slug: 'prometheus-not-configured' },
      );
    const source = `${prometheusUrl}/api/v1/alerts`;
    let body: { status?: string; data?: { alerts?: PrometheusAlert[] }; error?: string };
    try {
      const response = await fetch(source, { signal: AbortSignal.timeout(3000) });
      body = (await response.json()) as typeof body;
    } catch {
      throw new Problem('unavailable', `Prometheus did not answer at ${source}`);
    }
    if (body.status !== 'success' || !Array.isArray(body.data?.alerts))
      throw new Problem(
        'unavailable',
        `Prometheus answered an error: ${body.error ?? 'no alerts'}`,
      );
    const alerts: Alert[] = body.data.alerts
      .filter((a) => a.state === 'pending' || a.state === 'firing')
      .filter((a) => !state || a.state === state)
      .map((a) => ({
        name: a.labels.alertname ?? '',
        state: a.state as Alert['state'],
        labels: a.labels,
        annotations: a.annotations,
        activeAt: a.activeAt ?? null,
        value: a.value === undefined || Number.isNaN(Number(a.value)) ? null : Number(a.value),
      }));
    ctx.body = { prometheusUrl, alerts };
  });
  return router;
}
