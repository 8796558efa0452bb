// Exercise 2: follow a failed payment from Brazil, metric → trace → logs, all in the console.
import { consoleApi, SPAN_KIND, sumPoints, totalsBy, type Span } from '../http.js';
import { waitUntil, type Exercise } from '../runner.js';
import { describeSummary, runTrafficCommand } from '../traffic.js';

export const TRAFFIC_2 = 'npm run traffic -- --scenario brazil-outage --duration 15 --seed 2';
export const DECLINES_QUERY =
  'name=webstore_payments_total&fn=increase&where=outcome:declined,country:BR&by=reason&from=-15m&step=15m';

export const failedPayment: Exercise = {
  id: 2,
  title: 'Follow a failed payment from Brazil',
  guide: 'docs/learn/05-distributed-tracing.md#exercise-2-follow-a-failed-payment-from-brazil',
  steps: (targets) => {
    const api = consoleApi(targets.console);
    let declined: { traceId: string; span: Span } | undefined;
    return [
      {
        title: 'Generate traffic from Brazil, where half the payments are declined',
        command: TRAFFIC_2,
        async run() {
          const summary = await runTrafficCommand(TRAFFIC_2, targets.gateway);
          return `${describeSummary(summary)}; declines by country ${JSON.stringify(summary.declinesByCountry)}`;
        },
      },
      {
        title: 'Find the declines in the metrics: payments by outcome, country and reason',
        command: `curl -s 'localhost:3002/api/metrics/query?${DECLINES_QUERY}'`,
        async run() {
          const reasons = await waitUntil(async () => {
            const series = await api.query(DECLINES_QUERY);
            return sumPoints(series) > 0 ? totalsBy(series, 'reason') : undefined;
          }, 'declined Brazilian payments in webstore_payments_total');
          return `declined in BR by reason: ${[...reasons].map(([r, n]) => `${r} ${n}`).join(', ')}`;
        },
      },
      {
        title: "Find a declined order's trace: Brazilian traces that reached the payments topic",
        command:
          "curl -s 'localhost:3002/api/traces?country=BR&topic=webstore.payments.v1&limit=50'",
        async run() {
          declined = await waitUntil(async () => {
            const traces = await api.traces('country=BR&topic=webstore.payments.v1&limit=50');
            for (const t of traces) {
              const span = (await api.trace(t.traceId)).find(
                (s) => s.service === 'payment' && s.attributes['payment.outcome'] === 'declined',
              );
              if (span) return { traceId: t.traceId, span };
            }
            return undefined;
          }, 'a trace with a payment span where payment.outcome=declined');
          const { span } = declined;
          return `trace ${declined.traceId}: payment "${span.name}" payment.outcome=declined payment.decline_reason=${span.attributes['payment.decline_reason']} order ${span.attributes['order.id'] ?? '?'}`;
        },
      },
      {
        title: 'Read the compensation in the same trace: inventory releases the stock',
        command: 'curl -s localhost:3002/api/traces/<traceId>',
        async run() {
          const spans = await waitUntil(async () => {
            const all = await api.trace(declined!.traceId);
            return all.some(
              (s) => s.service === 'inventory' && s.name === 'process webstore.payments.v1',
            )
              ? all
              : undefined;
          }, 'inventory consuming the PaymentDeclined (process webstore.payments.v1)');
          return spans
            .filter((s) => s.kind === SPAN_KIND.producer || s.kind === SPAN_KIND.consumer)
            .map((s) => `${s.service} ${s.name}`)
            .join(', ');
        },
      },
      {
        title: 'Find the error log through the trace id: payment\'s "payment declined" record',
        command: "curl -s 'localhost:3002/api/logs?traceId=<traceId>&service=payment'",
        async run() {
          const record = await waitUntil(async () => {
            const logs = await api.logs(`traceId=${declined!.traceId}&service=payment`);
            return logs.find((l) => l.body === 'payment declined');
          }, 'the "payment declined" log record of that trace');
          const a = record.attributes;
          return `root cause: ${String(record.body)} — order ${String(a.orderId)}, country ${String(a.country)}, reason ${String(a.reason)}`;
        },
      },
    ];
  },
};
