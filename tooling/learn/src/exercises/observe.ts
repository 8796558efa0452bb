// Exercise 1: generate traffic, then find a checkout's trace, its slowest span, its logs and the
// funnel in the console.
import { consoleApi, isOk, SPAN_KIND, totalsBy, type Span } from '../http.js';
import { waitUntil, type Exercise } from '../runner.js';
import { describeSummary, runTrafficCommand } from '../traffic.js';

export const TRAFFIC_1 = 'npm run traffic -- --users 5 --duration 15 --seed 1';

export const generateAndObserve: Exercise = {
  id: 1,
  title: 'Generate and observe',
  guide: 'docs/learn/01-getting-started.md#exercise-1-generate-and-observe',
  steps: (targets) => {
    const api = consoleApi(targets.console);
    let traceId = '';
    return [
      {
        title: 'The stack is up: the gateway and the console are ready',
        command: 'curl -s localhost:8000/readyz; curl -s localhost:3002/readyz',
        async run() {
          for (const url of [`${targets.gateway}/readyz`, `${targets.console}/readyz`])
            if (!(await isOk(url)))
              throw new Error(`${url} is not ready: is \`npm start\` running?`);
        },
      },
      {
        title: 'Generate traffic: simulated shoppers walk the funnel through the gateway',
        command: TRAFFIC_1,
        async run() {
          const summary = await runTrafficCommand(TRAFFIC_1, targets.gateway);
          if (summary.orders.placed === 0)
            throw new Error(`no order placed: ${describeSummary(summary)}`);
          return describeSummary(summary);
        },
      },
      {
        title: 'Find a checkout trace in the console: one that crossed all three saga topics',
        command: "curl -s 'localhost:3002/api/traces?topic=webstore.payments.v1&limit=20'",
        async run() {
          const found = await waitUntil(async () => {
            const traces = await api.traces('topic=webstore.payments.v1&limit=20');
            return traces.find((t) => t.topics.length >= 3 && !t.incomplete);
          }, 'a complete trace through webstore.orders.v1, .inventory.v1 and .payments.v1');
          traceId = found.traceId;
          return `trace ${found.traceId}: ${found.rootName} (${found.rootService}), order ${found.orderId ?? '?'}, ${found.spanCount} spans over ${found.services.join(', ')}`;
        },
      },
      {
        title:
          'Open it: each process span is the child of the send span whose message it read; find the slowest span',
        command: 'curl -s localhost:3002/api/traces/<traceId>',
        async run(ctx) {
          const spans = await api.trace(traceId);
          const byId = new Map(spans.map((s) => [s.spanId, s]));
          const consumers = spans.filter(
            (s) => s.kind === SPAN_KIND.consumer && s.name.startsWith('process '),
          );
          if (consumers.length < 3) throw new Error(`only ${consumers.length} process spans`);
          for (const c of consumers) {
            const parent = c.parentSpanId ? byId.get(c.parentSpanId) : undefined;
            if (
              parent?.kind !== SPAN_KIND.producer ||
              parent.name !== c.name.replace('process', 'send')
            )
              throw new Error(`${c.service} "${c.name}" is not the child of its send span`);
            ctx.note(`${parent.service} ${parent.name} → ${c.service} ${c.name}`);
          }
          const slowest = spans
            .filter((s) => s.parentSpanId)
            .reduce<Span | undefined>(
              (a, s) => (!a || s.durationMs > a.durationMs ? s : a),
              undefined,
            );
          return `slowest span below the root: ${slowest?.service} "${slowest?.name}" ${slowest?.durationMs.toFixed(1)} ms`;
        },
      },
      {
        title: 'Find its logs: every log record carries the trace id',
        command: "curl -s 'localhost:3002/api/logs?traceId=<traceId>'",
        async run() {
          const logs = await waitUntil(async () => {
            const found = await api.logs(`traceId=${traceId}`);
            return new Set(found.map((l) => l.service)).size >= 2 ? found : undefined;
          }, `log records of trace ${traceId} from two services or more`);
          return `${logs.length} records: ${[...new Set(logs.map((l) => `${l.service}: ${String(l.body)}`))].slice(0, 5).join('; ')}`;
        },
      },
      {
        title: 'See the funnel in the console metrics',
        command:
          "curl -s 'localhost:3002/api/metrics/query?name=webstore_funnel_stage_total&fn=increase&by=stage&from=-15m&step=15m'",
        async run() {
          const stages = await waitUntil(async () => {
            const series = await api.query(
              'name=webstore_funnel_stage_total&fn=increase&by=stage&from=-15m&step=15m',
            );
            const totals = totalsBy(series, 'stage');
            return (totals.get('add_to_cart') ?? 0) > 0 &&
              (totals.get('checkout_complete') ?? 0) > 0
              ? totals
              : undefined;
          }, 'the funnel counted add_to_cart and checkout_complete');
          return [...stages].map(([stage, n]) => `${stage} ${n}`).join(', ');
        },
      },
    ];
  },
};
