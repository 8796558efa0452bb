// The order-status projection: it reads the orders, inventory and payments topics and answers
// "where is my order", live stock, and the SSE journey. Its read model lives in the gateway's state
// store (orders, stock levels from inventory's events, purchase histories, event ids seen), the
// messages of a turn of the event loop applied in one transaction, so a restart resumes from the
// group's committed offsets and a redelivered message changes nothing. An accepted order is
// recorded the moment the gateway has published it, so it can be read at once. Ready once caught
// up with the end of each partition as it was at start.
import { EventEmitter } from 'node:events';
import { writtenPerTurn, type StateStore } from '@webstore/consumer-runtime/store';
import type { WebstoreMetrics } from '@webstore/observability/metrics';
import {
  personas,
  productById,
  seedHistory,
  segmentOf,
  withPurchase,
  type CountryCode,
  type CustomerHistory,
  type DecodedEvent,
  type Segment,
  type StockLevel,
} from '@webstore/schemas';
import { orderStore, type OrderStore, type StoredOrder } from './order-store.js';

export interface JourneyEvent {
  /** Arrival number within the order (1, 2, …): the SSE event id, for resuming. */
  seq: number;
  type: string;
  topic: string;
  partition: number;
  offset: string;
  service: string;
  at: string;
  sincePlacedMs: number;
  data: unknown;
  /** Present on a replayed event (republished copy): true, with the replay run's id. */
  replay?: true;
  replayId?: string;
}

export interface OrderView {
  orderId: string;
  customerId: string;
  country: CountryCode;
  items: { productId: string; name: string; quantity: number; unitPriceCents: number }[];
  totalCents: number;
  status: 'pending' | 'completed' | 'failed';
  reason?: string;
  detail?: string;
  placedAt: string;
  completedAt?: string;
  /** True once no further event of the saga is expected (after the compensation of a decline). */
  sagaComplete: boolean;
  traceId: string;
  synthetic: boolean;
  /** In order of event time (topics are read independently, so not always in arrival order). */
  events: JourneyEvent[];
  /** Present when a replayed OrderPlaced created this view: a replay, not a customer's new order. */
  replay?: true;
}

export interface EventMeta {
  topic: string;
  partition: number;
  offset: string;
  /** W3C traceparent of the message, for the order's trace id. */
  traceparent?: string;
  /** The `webstore_replay_id` header of a replayed message. */
  replayId?: string;
}

type Early = { event: DecodedEvent; meta: EventMeta }[];

const DAY_MS = 24 * 60 * 60 * 1000;

export class OrderProjection extends EventEmitter {
  private readonly orders: OrderStore;
  private readonly seen;
  private readonly stock;
  private readonly histories;
  private readonly early;
  private readonly behind = new Map<string, number>();
  private live = false;

  constructor(
    private readonly store: StateStore,
    private readonly metrics?: WebstoreMetrics,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.setMaxListeners(0);
    this.orders = orderStore(store);
    this.seen = store.table<{ at: number }>('seen_events');
    this.stock = store.table<StockLevel>('stock');
    this.histories = store.table<CustomerHistory>('customers');
    this.early = store.table<Early>('early_events');
  }

  get caughtUp(): boolean {
    return this.live;
  }

  order(orderId: string): OrderView | undefined {
    return this.orders.get(orderId)?.view;
  }

  /** Newest first; every customer's orders when `customerId` is undefined. */
  ordersOf(customerId: string | undefined, limit = 200): OrderView[] {
    return this.orders.list(customerId, limit);
  }

  /** Units available now, as inventory last reported them. */
  stockOf(productId: string): number {
    return this.stock.get(productId)?.available ?? productById(productId)?.initialStock ?? 0;
  }

  /** The customer's segment now, from the same history analytics keeps (seed + completed orders). */
  segmentOf(customerId: string): Segment {
    return segmentOf(this.historyOf(customerId), this.now());
  }

  /** Partitions still to read up to (exclusive end offset) before the projection counts as live. */
  setCatchUpTargets(targets: { topic: string; partition: number; high: number }[]): void {
    for (const t of targets) if (t.high > 0) this.behind.set(`${t.topic}/${t.partition}`, t.high);
    if (this.behind.size === 0) this.live = true;
  }

  /** Applies one consumed event (idempotent: an event id seen before changes nothing). */
  apply(event: DecodedEvent, meta: EventMeta): void {
    this.applyAll([{ event, meta }]);
  }

  private readonly writeInTurn = writtenPerTurn<{ event: DecodedEvent; meta: EventMeta }>(
    (items) => this.applyAll(items),
    ({ event, meta }) => this.apply(event, meta),
  );

  /**
   * Applies an event together with the others handed over in the same turn of the event loop (one
   * transaction for all of them); resolves once it is applied.
   */
  applyInTurn(event: DecodedEvent, meta: EventMeta): Promise<void> {
    return this.writeInTurn({ event, meta });
  }

  /** Applies consumed events in one transaction, in the order given; then tells the listeners. */
  applyAll(batch: { event: DecodedEvent; meta: EventMeta }[]): void {
    for (const { meta } of batch) this.advance(meta.topic, meta.partition, meta.offset);
    const emitted: (() => void)[] = [];
    this.store.transaction(() => {
      for (const { event, meta } of batch) this.applyInTransaction(event, meta, emitted);
    });
    for (const emit of emitted) emit();
  }

  /** Pending orders past their deadline whose timeout has not been published yet. */
  overdue(deadlineMs: number): OrderView[] {
    return this.orders.overdue(new Date(this.now() - deadlineMs).toISOString());
  }

  /** Notes that an order's timeout was published, so it is published once. */
  timeoutRequested(orderId: string): void {
    const stored = this.orders.get(orderId);
    if (stored) this.orders.put({ ...stored, timeoutRequested: true });
  }

  /** Deletes orders whose saga ended before `cutoffMs`, and event ids older than a day. */
  evict(cutoffMs: number): void {
    this.orders.evictSettledBefore(cutoffMs);
    this.seen.evictSettledBefore(this.now() - DAY_MS);
    this.early.evictSettledBefore(cutoffMs);
  }

  private applyInTransaction(event: DecodedEvent, meta: EventMeta, emitted: (() => void)[]) {
    if (this.seen.get(event.id)) return;
    this.seen.put(event.id, { at: this.now() }, { settled: true });
    this.recordStock(event);
    const orderId = (event.data as { orderId?: string }).orderId;
    if (!orderId) return;
    if (event.name === 'OrderPlaced') {
      const stored = this.orders.get(orderId) ?? {
        view: placed(event, meta),
        timeoutRequested: false,
      };
      this.record(stored, event, meta, emitted);
      // Topics are read independently, so an order's later events can arrive before it did.
      const early = this.early.get(orderId) ?? [];
      this.early.delete(orderId);
      early.sort((a, b) => a.event.time.localeCompare(b.event.time));
      for (const e of early) this.record(stored, e.event, e.meta, emitted);
      this.orders.put(stored);
      return;
    }
    const stored = this.orders.get(orderId);
    if (!stored) {
      this.early.put(orderId, [...(this.early.get(orderId) ?? []), { event, meta }], {
        settled: true,
      });
      return;
    }
    this.record(stored, event, meta, emitted);
    this.orders.put(stored);
  }

  private record(
    stored: StoredOrder,
    event: DecodedEvent,
    meta: EventMeta,
    emitted: (() => void)[],
  ) {
    const order = stored.view;
    const journey: JourneyEvent = {
      seq: order.events.length + 1,
      type: event.name,
      topic: meta.topic,
      partition: meta.partition,
      offset: meta.offset,
      service: event.source.split('/').pop() ?? 'unknown',
      at: event.time,
      sincePlacedMs: Math.max(0, Date.parse(event.time) - Date.parse(order.placedAt)),
      data: event.data,
      ...(meta.replayId ? { replay: true as const, replayId: meta.replayId } : {}),
    };
    // The journey reads in the order things happened, whatever order the topics were read in.
    let at = order.events.length;
    while (at > 0 && order.events[at - 1]!.at > journey.at) at--;
    order.events.splice(at, 0, journey);
    emitted.push(() => this.emit(`journey:${order.orderId}`, journey));
    const wasPending = order.status === 'pending';
    if (wasPending) this.settle(order, event);
    const wasComplete = order.sagaComplete;
    order.sagaComplete = sagaComplete(order.events);
    if (wasPending && order.status !== 'pending') {
      const snapshot = structuredClone(order);
      emitted.push(() => this.emit(`status:${order.orderId}`, snapshot));
    }
    if (!wasComplete && order.sagaComplete) {
      const snapshot = structuredClone(order);
      emitted.push(() => this.emit(`complete:${order.orderId}`, snapshot));
    }
  }

  private settle(order: OrderView, event: DecodedEvent): void {
    if (event.name === 'PaymentAuthorized') {
      order.status = 'completed';
      this.histories.put(
        order.customerId,
        withPurchase(this.historyOf(order.customerId), {
          amountCents: event.data.amountCents,
          at: Date.parse(event.data.authorizedAt),
        }),
      );
    } else if (event.name === 'PaymentDeclined') {
      order.status = 'failed';
      order.reason = event.data.reason;
      order.detail =
        event.data.reason === 'timeout'
          ? 'no payment decision before the order’s deadline'
          : `payment declined: ${event.data.reason.replace(/_/g, ' ')}`;
    } else if (event.name === 'StockRejected') {
      order.status = 'failed';
      order.reason = event.data.reason;
      order.detail =
        event.data.reason === 'cancelled'
          ? 'cancelled before stock was reserved'
          : event.data.shortages
              .map(
                (s) =>
                  `${productById(s.productId)?.name ?? s.productId}: ${s.requested} requested, ${s.available} available`,
              )
              .join('; ');
    } else return;
    order.completedAt = event.time;
    if (this.live && this.metrics) {
      const labels = { status: order.status, country: order.country };
      this.metrics.orders.add(1, {
        ...labels,
        reason: order.reason ?? 'none',
        synthetic: String(order.synthetic),
      });
      this.metrics.orderE2eDuration.record(
        Math.max(0, this.now() - Date.parse(order.placedAt)) / 1000,
        labels,
      );
    }
  }

  /** Keeps the newest level inventory reported for each product (events can arrive out of order). */
  private recordStock(event: DecodedEvent): void {
    const levels =
      event.name === 'StockReserved' || event.name === 'StockReleased'
        ? (event.data.levels ?? [])
        : event.name === 'StockReplenished'
          ? [event.data.level]
          : [];
    for (const level of levels) {
      const known = this.stock.get(level.productId);
      if (!known || known.version < level.version) this.stock.put(level.productId, level);
    }
  }

  private historyOf(customerId: string): CustomerHistory | undefined {
    const stored = this.histories.get(customerId);
    if (stored) return stored;
    const persona = personas.find((p) => p.customerId === customerId);
    return persona ? seedHistory(persona, this.now()) : undefined;
  }

  private advance(topic: string, partition: number, offset: string): void {
    if (this.live) return;
    const key = `${topic}/${partition}`;
    const high = this.behind.get(key);
    if (high !== undefined && Number(offset) + 1 >= high) this.behind.delete(key);
    if (this.behind.size === 0) this.live = true;
  }
}

function placed(event: DecodedEvent<'OrderPlaced'>, meta: EventMeta): OrderView {
  const o = event.data;
  return {
    orderId: o.orderId,
    customerId: o.customerId,
    country: o.country,
    items: o.items.map((i) => ({ ...i, name: productById(i.productId)?.name ?? i.productId })),
    totalCents: o.totalCents,
    status: 'pending',
    placedAt: o.placedAt,
    traceId: meta.traceparent?.split('-')[1] ?? '',
    synthetic: o.synthetic,
    sagaComplete: false,
    events: [],
    ...(meta.replayId ? { replay: true as const } : {}),
  };
}

/**
 * Whether an order's saga is over, from the events it has (whatever order they were read in): an
 * authorization or a stock rejection ends it; a declined payment ends it once inventory has
 * answered too (released the reservation, or never reserved).
 */
export function sagaComplete(events: Pick<JourneyEvent, 'type'>[]): boolean {
  const has = (type: string) => events.some((e) => e.type === type);
  return (
    has('PaymentAuthorized') ||
    has('StockRejected') ||
    (has('PaymentDeclined') && has('StockReleased'))
  );
}
