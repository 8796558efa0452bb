// The order-status projection: it reads the orders, inventory and payments topics from the
// beginning on every start (no committed offsets), so it survives restarts by rebuilding, and it
// answers "where is my order", live stock, and the SSE journey. Ready once caught up with the end
// of each partition as it was at start.
import { EventEmitter } from 'node:events';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from '@webstore/observability/logger';
import type { WebstoreMetrics } from '@webstore/observability/metrics';
import {
  decodeEvent,
  headerString,
  personas,
  productById,
  seedHistory,
  segmentOf,
  TOPICS,
  withPurchase,
  type CustomerHistory,
  type DecodedEvent,
  type Segment,
} from '@webstore/schemas';

export interface JourneyEvent {
  type: string;
  topic: string;
  partition: number;
  offset: string;
  service: string;
  at: string;
  sincePlacedMs: number;
  data: unknown;
}

export interface OrderView {
  orderId: string;
  customerId: string;
  country: string;
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
  events: JourneyEvent[];
}

interface EventMeta {
  topic: string;
  partition: number;
  offset: string;
  message: KafkaMessage;
}

export const PROJECTION_TOPICS = [TOPICS.orders, TOPICS.inventory, TOPICS.payments];

export class OrderProjection extends EventEmitter {
  readonly orders = new Map<string, OrderView>();
  private readonly stockDelta = new Map<string, number>();
  private readonly seen = new Set<string>();
  private readonly behind = new Map<string, number>();
  private readonly early = new Map<string, { event: DecodedEvent; meta: EventMeta }[]>();
  /** Purchase history per customer, seeded as analytics seeds it, grown by each completed order. */
  private readonly histories = new Map<string, CustomerHistory>();
  private live = false;

  constructor(
    private readonly metrics?: WebstoreMetrics,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.setMaxListeners(0);
    for (const persona of personas) {
      const seed = seedHistory(persona, now());
      if (seed) this.histories.set(persona.customerId, seed);
    }
  }

  /** The customer's segment now, from the same history analytics keeps (seed + completed orders). */
  segmentOf(customerId: string): Segment {
    return segmentOf(this.histories.get(customerId), this.now());
  }

  get caughtUp(): boolean {
    return this.live;
  }

  /** Units available now: initial stock, minus reservations, plus releases. */
  stockOf(productId: string): number {
    return (productById(productId)?.initialStock ?? 0) + (this.stockDelta.get(productId) ?? 0);
  }

  /** Partitions still to read up to (exclusive end offset) before the projection counts as live. */
  setCatchUpTargets(targets: { topic: string; partition: number; high: number }[]): void {
    for (const t of targets) if (t.high > 0) this.behind.set(`${t.topic}/${t.partition}`, t.high);
    if (this.behind.size === 0) this.live = true;
  }

  apply(event: DecodedEvent, meta: EventMeta): void {
    this.advance(meta.topic, meta.partition, meta.offset);
    if (this.seen.has(event.id)) return;
    this.seen.add(event.id);
    if (event.name === 'StockReserved') this.addStock(event.data.items, -1);
    if (event.name === 'StockReleased') this.addStock(event.data.items, +1);

    const orderId = (event.data as { orderId?: string }).orderId;
    if (!orderId) return;
    if (event.name === 'OrderPlaced') {
      this.place(event, meta.message);
      this.record(this.orders.get(orderId)!, event, meta);
      // Topics are read independently, so an order's later events can arrive before it did.
      const early = this.early.get(orderId) ?? [];
      this.early.delete(orderId);
      early.sort((a, b) => a.event.time.localeCompare(b.event.time));
      for (const e of early) this.record(this.orders.get(orderId)!, e.event, e.meta);
      return;
    }
    const order = this.orders.get(orderId);
    if (order) this.record(order, event, meta);
    else this.early.set(orderId, [...(this.early.get(orderId) ?? []), { event, meta }]);
  }

  private record(order: OrderView, event: DecodedEvent, meta: EventMeta): void {
    const journey: JourneyEvent = {
      type: event.name,
      topic: meta.topic,
      partition: meta.partition,
      offset: meta.offset,
      service: event.source.split('/').pop() ?? 'unknown',
      at: event.time,
      sincePlacedMs: Math.max(0, Date.parse(event.time) - Date.parse(order.placedAt)),
      data: event.data,
    };
    // The journey reads in the order things happened, whatever order the topics were read in.
    let at = order.events.length;
    while (at > 0 && order.events[at - 1]!.at > journey.at) at--;
    order.events.splice(at, 0, journey);
    this.emit(`journey:${order.orderId}`, journey);
    if (order.status === 'pending') this.settle(order, event);
    order.sagaComplete = sagaComplete(order.events);
  }

  private place(event: DecodedEvent<'OrderPlaced'>, message: KafkaMessage): void {
    const o = event.data;
    if (this.orders.has(o.orderId)) return;
    const traceparent = headerString(message.headers, 'traceparent') ?? '';
    this.orders.set(o.orderId, {
      orderId: o.orderId,
      customerId: o.customerId,
      country: o.country,
      items: o.items.map((i) => ({ ...i, name: productById(i.productId)?.name ?? i.productId })),
      totalCents: o.totalCents,
      status: 'pending',
      placedAt: o.placedAt,
      traceId: traceparent.split('-')[1] ?? '',
      synthetic: o.synthetic,
      sagaComplete: false,
      events: [],
    });
  }

  private settle(order: OrderView, event: DecodedEvent): void {
    if (event.name === 'PaymentAuthorized') {
      order.status = 'completed';
      this.histories.set(
        order.customerId,
        withPurchase(this.histories.get(order.customerId), {
          amountCents: event.data.amountCents,
          at: Date.parse(event.data.authorizedAt),
        }),
      );
    } else if (event.name === 'PaymentDeclined') {
      order.status = 'failed';
      order.reason = event.data.reason;
      order.detail = `payment declined: ${event.data.reason.replace(/_/g, ' ')}`;
    } else if (event.name === 'StockRejected') {
      order.status = 'failed';
      order.reason = 'out_of_stock';
      order.detail = event.data.shortages
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
    this.emit(`status:${order.orderId}`, order);
  }

  private addStock(items: { productId: string; quantity: number }[], sign: 1 | -1): void {
    for (const { productId, quantity } of items)
      this.stockDelta.set(productId, (this.stockDelta.get(productId) ?? 0) + sign * quantity);
  }

  private advance(topic: string, partition: number, offset: string): void {
    if (this.live) return;
    const key = `${topic}/${partition}`;
    const high = this.behind.get(key);
    if (high !== undefined && Number(offset) + 1 >= high) this.behind.delete(key);
    if (this.behind.size === 0) this.live = true;
  }
}

/**
 * Whether an order's saga is over, from the events it has (whatever order they were read in): an
 * authorization or a stock rejection ends it; a declined payment ends it once the reservation has
 * been released.
 */
export function sagaComplete(events: Pick<JourneyEvent, 'type'>[]): boolean {
  const has = (type: string) => events.some((e) => e.type === type);
  return (
    has('PaymentAuthorized') ||
    has('StockRejected') ||
    (has('PaymentDeclined') && has('StockReleased'))
  );
}

/** Connects the projection to Kafka; resolves once its consumer is running. */
export async function startProjection(
  kafka: Kafka,
  projection: OrderProjection,
  log: Logger,
): Promise<Consumer> {
  const admin = kafka.admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  const topics = PROJECTION_TOPICS.filter((t) => existing.has(t));
  const targets = [];
  for (const topic of topics) {
    for (const { partition, high } of await admin.fetchTopicOffsets(topic))
      targets.push({ topic, partition, high: Number(high) });
  }
  await admin.disconnect();
  projection.setCatchUpTargets(targets);
  const consumer = kafka.consumer({
    groupId: 'gateway-projection',
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    maxWaitTimeInMs: 500,
  });
  await consumer.connect();
  for (const topic of PROJECTION_TOPICS) await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 3,
    eachMessage: async ({ topic, partition, message }) => {
      let event: DecodedEvent;
      try {
        event = decodeEvent(message);
      } catch (err) {
        log.warn(
          { topic, partition, offset: message.offset, err },
          'projection skipped an undecodable message',
        );
        return;
      }
      projection.apply(event, { topic, partition, offset: message.offset, message });
    },
  });
  return consumer;
}
