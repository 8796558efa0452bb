// Where the gateway keeps its read model: orders with their journey, indexed by customer and time,
// plus the small keyed tables of the state store (events seen, stock levels, purchase histories,
// events that arrived before their order, idempotency keys). On disk, so a restart resumes from
// the committed offsets instead of re-reading every topic, and memory holds no order history.
import type { StateStore } from '@webstore/consumer-runtime/store';
import type { OrderView } from './projection.js';

export interface StoredOrder {
  view: OrderView;
  timeoutRequested: boolean;
}

export function orderStore(store: StateStore) {
  const { db } = store;
  db.exec(`CREATE TABLE IF NOT EXISTS orders (
    order_id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL,
    placed_at TEXT NOT NULL,
    status TEXT NOT NULL,
    saga_complete INTEGER NOT NULL,
    timeout_requested INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL,
    view TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS orders_by_customer ON orders (customer_id, placed_at);
  CREATE INDEX IF NOT EXISTS orders_by_time ON orders (placed_at);
  CREATE INDEX IF NOT EXISTS orders_pending ON orders (status, placed_at);
  CREATE INDEX IF NOT EXISTS orders_settled ON orders (saga_complete, updated_at);`);
  const get = db.prepare<[string], { view: string; timeout_requested: number }>(
    'SELECT view, timeout_requested FROM orders WHERE order_id = ?',
  );
  const put = db.prepare(
    `INSERT INTO orders (order_id, customer_id, placed_at, status, saga_complete, timeout_requested, updated_at, view)
     VALUES (@orderId, @customerId, @placedAt, @status, @sagaComplete, @timeoutRequested, @updatedAt, @view)
     ON CONFLICT(order_id) DO UPDATE SET status = excluded.status, saga_complete = excluded.saga_complete,
       timeout_requested = excluded.timeout_requested, updated_at = excluded.updated_at, view = excluded.view`,
  );
  const byCustomer = db.prepare<[string, number], { view: string }>(
    'SELECT view FROM orders WHERE customer_id = ? ORDER BY placed_at DESC LIMIT ?',
  );
  const recent = db.prepare<[number], { view: string }>(
    'SELECT view FROM orders ORDER BY placed_at DESC LIMIT ?',
  );
  const pendingBefore = db.prepare<[string], { view: string }>(
    "SELECT view FROM orders WHERE status = 'pending' AND timeout_requested = 0 AND placed_at < ? ORDER BY placed_at",
  );
  const evict = db.prepare('DELETE FROM orders WHERE saga_complete = 1 AND updated_at < ?');
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM orders');

  const parse = (row: { view: string }) => JSON.parse(row.view) as OrderView;
  return {
    get(orderId: string): StoredOrder | undefined {
      const row = get.get(orderId);
      return row ? { view: parse(row), timeoutRequested: row.timeout_requested === 1 } : undefined;
    },
    put(order: StoredOrder): void {
      const v = order.view;
      put.run({
        orderId: v.orderId,
        customerId: v.customerId,
        placedAt: v.placedAt,
        status: v.status,
        sagaComplete: v.sagaComplete ? 1 : 0,
        timeoutRequested: order.timeoutRequested ? 1 : 0,
        updatedAt: Date.now(),
        view: JSON.stringify(v),
      });
    },
    /** Newest first; every customer's when `customerId` is undefined. */
    list(customerId: string | undefined, limit: number): OrderView[] {
      return (customerId ? byCustomer.all(customerId, limit) : recent.all(limit)).map(parse);
    },
    /** Pending orders placed before `placedBefore` whose timeout has not been published. */
    overdue: (placedBefore: string) => pendingBefore.all(placedBefore).map(parse),
    evictSettledBefore: (cutoffMs: number) => evict.run(cutoffMs).changes,
    count: () => count.get()!.n,
  };
}

export type OrderStore = ReturnType<typeof orderStore>;
