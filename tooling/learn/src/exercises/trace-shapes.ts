// Exercise 10: the two trace shapes of one order. The saga's consumers (eachMessage) continue the
// producer's trace: each `process` span is the child of the `send` span whose message it read, in
// the order's one trace. Analytics (eachBatch) starts a trace per batch: its `process` spans live
// there and carry a span link to the producer's context in the order's trace.
import { consoleApi, orderCommand, placeOrder, SPAN_KIND, type Span } from '../http.js';
import { waitUntil, type Exercise } from '../runner.js';

const SAGA_TOPICS = ['webstore.orders.v1', 'webstore.inventory.v1', 'webstore.payments.v1'];

export const traceShapes: Exercise = {
  id: 10,
  title: 'Compare the child and link trace shapes',
  guide: 'docs/learn/05-distributed-tracing.md#exercise-10-compare-the-child-and-link-trace-shapes',
  steps: (targets) => {
    const api = consoleApi(targets.console);
    let traceId = '';
    let producers: Span[] = [];
    let linked: Span[] = [];
    return [
      {
        title: 'Place one order; its answer names its trace',
        command: orderCommand('FR'),
        async run() {
          const placed = await placeOrder(targets.gateway, 'FR');
          traceId = placed.traceId;
          return `order ${placed.orderId}, trace ${traceId}`;
        },
      },
      {
        title:
          "Child shape: the order's trace holds the saga's process spans, each the child of its send span",
        command: 'curl -s localhost:3002/api/traces/<traceId>',
        async run(ctx) {
          const spans = await waitUntil(
            async () => {
              const all = await api.trace(traceId);
              const topics = new Set(
                all.filter((s) => s.kind === SPAN_KIND.consumer).map((s) => s.name),
              );
              return SAGA_TOPICS.every((t) => topics.has(`process ${t}`)) ? all : undefined;
            },
            `process spans of ${SAGA_TOPICS.join(', ')} in trace ${traceId}`,
            30_000,
          );
          const byId = new Map(spans.map((s) => [s.spanId, s]));
          producers = spans.filter((s) => s.kind === SPAN_KIND.producer);
          for (const c of spans.filter((s) => s.kind === SPAN_KIND.consumer)) {
            const parent = c.parentSpanId ? byId.get(c.parentSpanId) : undefined;
            if (
              c.traceId !== traceId ||
              parent?.kind !== SPAN_KIND.producer ||
              parent.name !== c.name.replace('process', 'send')
            )
              throw new Error(`${c.service} "${c.name}" is not a child of its send span`);
            if (c.service === 'analytics')
              throw new Error('an analytics span is a child in the order trace');
            ctx.note(`${parent.service} ${parent.name} → child ${c.service} ${c.name}`);
          }
          return `one trace id, ${spans.length} spans over ${[...new Set(spans.map((s) => s.service))].join(', ')}`;
        },
      },
      {
        title:
          "Link shape: analytics' process spans live in traces of their own and link to the order's send spans",
        command: 'curl -s localhost:3002/api/traces/<traceId>/linked',
        async run(ctx) {
          const sends = new Map(producers.map((p) => [p.spanId, p]));
          linked = await waitUntil(
            async () => {
              const spans = (await api.linked(traceId)).filter((s) => s.service === 'analytics');
              const reached = new Set(
                spans.flatMap((s) =>
                  s.links.filter((l) => sends.has(l.spanId)).map((l) => sends.get(l.spanId)!.name),
                ),
              );
              return SAGA_TOPICS.every((t) => reached.has(`send ${t}`)) ? spans : undefined;
            },
            `analytics spans linking to the send spans of ${SAGA_TOPICS.join(', ')}`,
            30_000,
          );
          for (const s of linked) {
            const link = s.links.find((l) => l.traceId === traceId && sends.has(l.spanId));
            if (s.traceId === traceId || !link)
              throw new Error(`analytics "${s.name}" is not a linked span in another trace`);
            ctx.note(
              `analytics ${s.name} in trace ${s.traceId} → link to ${sends.get(link.spanId)!.service} ${sends.get(link.spanId)!.name}`,
            );
          }
          return `${linked.length} analytics spans in ${new Set(linked.map((s) => s.traceId)).size} other trace(s)`;
        },
      },
      {
        title: 'Open one analytics batch: count the orders it served',
        command: 'curl -s localhost:3002/api/traces/<batchTraceId>',
        async run() {
          const batch = linked[0]!.traceId;
          const spans = await api.trace(batch);
          const root = spans.find((s) => !s.parentSpanId);
          const orders = new Set(spans.flatMap((s) => s.links.map((l) => l.traceId)));
          if (!orders.has(traceId)) throw new Error(`batch ${batch} has no link to ${traceId}`);
          return `batch trace ${batch}: root "${root?.name ?? '?'}", ${spans.filter((s) => s.kind === SPAN_KIND.consumer).length} process span(s) linking to ${orders.size} order trace(s)`;
        },
      },
    ];
  },
};
