// Exercise 8: a poison message, the DLQ, the fix, the redrive. Payment's StockReserved handler is
// switched to fail (the failing-handler fault switch on its management port), so three orders'
// reservations are dead-lettered to webstore.inventory.v1.dlq and the orders wait; the switch off
// is the fix; the redrive sends the dead letters back to their topic, payment decides each order
// once, and every order ends with exactly one payment outcome.
import {
  getJson,
  getOrder,
  orderCommand,
  paymentOutcomes,
  placeOrder,
  setFailing,
} from '../http.js';
import { executeReplay } from '../replay.js';
import { waitUntil, type Exercise } from '../runner.js';

export const ORDERS_8 = 3;
export const DLQ_TOPIC = 'webstore.inventory.v1.dlq';
export const REDRIVE_8 = `npm run replay -- dlq --topic ${DLQ_TOPIC} --all --execute`;
const faultCommand = (types: string) =>
  `curl -s -X PUT localhost:8102/admin/faults -H 'Authorization: Bearer admin-token-456' -H 'Content-Type: application/json' -d '{"failEventTypes":[${types}]}'`;

interface DlqMessage {
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
}

export const deadLetters: Exercise = {
  id: 8,
  title: 'Poison message → DLQ → fix → redrive',
  guide: 'docs/learn/10-troubleshooting.md#exercise-8-poison-message-dlq-fix-redrive',
  steps: (targets) => {
    const orders: string[] = [];
    return [
      {
        title: 'Break payment: switch its StockReserved handler to fail',
        command: faultCommand('"StockReserved"'),
        async run(ctx) {
          await setFailing(targets.payment, ['StockReserved']);
          ctx.cleanup(() => setFailing(targets.payment, []), 'payment fault switch off');
        },
      },
      {
        title: `Place ${ORDERS_8} orders`,
        command: orderCommand('DE'),
        async run() {
          for (let i = 0; i < ORDERS_8; i++)
            orders.push((await placeOrder(targets.gateway, 'DE')).orderId);
          return orders.join(', ');
        },
      },
      {
        title:
          'Payment dead-letters their reservations: the DLQ holds them, with the error in their headers',
        command: `curl -s 'localhost:3002/api/kafka/topics/${DLQ_TOPIC}/messages?from=-15m'`,
        async run(ctx) {
          const found = await waitUntil(
            async () => {
              const { messages } = await getJson<{ messages: DlqMessage[] }>(
                `${targets.console}/api/kafka/topics/${DLQ_TOPIC}/messages?from=-15m`,
              );
              const ours = messages.filter((m) => m.key && orders.includes(m.key));
              return ours.length >= orders.length ? ours : undefined;
            },
            `the ${orders.length} orders' StockReserved in ${DLQ_TOPIC}`,
            30_000,
          );
          for (const m of found)
            ctx.note(
              `${m.key} at ${DLQ_TOPIC}/${m.partition}/${m.offset}: ${m.headers.dlq_error} (${m.headers.dlq_error_message}) from ${m.headers.dlq_original_topic}/${m.headers.dlq_original_partition}/${m.headers.dlq_original_offset}, group ${m.headers.dlq_group}`,
            );
          const bad = found.filter(
            (m) => m.headers.dlq_error !== 'InjectedFault' || m.headers.dlq_group !== 'payment',
          );
          if (bad.length) throw new Error(`dead letters not from payment's fault: ${bad.length}`);
        },
      },
      {
        title: 'Meanwhile the orders wait: pending, no payment outcome',
        command:
          "curl -s localhost:8000/api/orders/<orderId> -H 'Authorization: Bearer user-token-123'",
        async run() {
          const views = await Promise.all(orders.map((id) => getOrder(targets.gateway, id)));
          const decided = views.filter((o) => o.status !== 'pending');
          if (decided.length)
            throw new Error(`already ${decided.map((o) => `${o.orderId} ${o.status}`).join(', ')}`);
          return `${views.length} orders pending`;
        },
      },
      {
        title: 'Fix it: turn the switch off',
        command: faultCommand(''),
        async run() {
          await setFailing(targets.payment, []);
        },
      },
      {
        title: 'Redrive the dead letters to their topic',
        command: REDRIVE_8,
        async run() {
          const record = await executeReplay(REDRIVE_8, targets.console);
          if ((record.counts.published ?? 0) < orders.length)
            throw new Error(`replay ${record.id} redrove only ${record.counts.published}`);
          return `replay ${record.id}: ${record.counts.published} dead letter(s) redriven`;
        },
      },
      {
        title: 'Every order reaches its end, with exactly one payment outcome',
        command:
          "curl -s localhost:8000/api/orders/<orderId> -H 'Authorization: Bearer user-token-123'",
        async run(ctx) {
          for (const id of orders) {
            const order = await waitUntil(
              async () => {
                const o = await getOrder(targets.gateway, id);
                return o.status !== 'pending' && o.sagaComplete ? o : undefined;
              },
              `order ${id} completed or failed, its saga over`,
              30_000,
            );
            const outcomes = paymentOutcomes(order);
            if (outcomes.length !== 1)
              throw new Error(`order ${id} has ${outcomes.length} payment outcomes`);
            ctx.note(
              `${id}: ${order.status}${order.reason ? ` (${order.reason})` : ''}, one ${outcomes[0]!.type}`,
            );
          }
        },
      },
    ];
  },
};
