/** A Kafka topic of the system, as the broker, producers and consumers all see it. */
export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  /** What the record key is, so one entity's events stay in order on one partition. */
  readonly key: 'orderId' | 'sessionId' | 'orderId or productId';
  /** Event names (see `eventCatalog`) that may appear on the topic. */
  readonly events: readonly string[];
  readonly retentionMs: number;
  readonly description: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * Partitions of the saga's topics. A consumer handles one partition's messages in order, one at a
 * time, so this is how many orders a service works on at once, and how many replicas of a service
 * can share its work. (Payment does not wait for its processor on a partition; at 200 orders/s,
 * 3 partitions instead of 12 changed only the broker's CPU: docs/performance.md.)
 */
export const SAGA_PARTITIONS = 12;

export const TOPICS = {
  orders: 'webstore.orders.v1',
  inventory: 'webstore.inventory.v1',
  payments: 'webstore.payments.v1',
  activity: 'webstore.activity.v1',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

/** The topic catalog: every topic the system creates, with its partitioning and retention. */
export const topicCatalog: readonly TopicSpec[] = [
  {
    name: TOPICS.orders,
    partitions: SAGA_PARTITIONS,
    key: 'orderId',
    events: ['OrderPlaced', 'OrderTimedOut'],
    retentionMs: 7 * DAY_MS,
    description: 'Checkouts accepted by the gateway, and orders that saw no outcome in time.',
  },
  {
    name: TOPICS.inventory,
    partitions: SAGA_PARTITIONS,
    key: 'orderId or productId',
    events: ['StockReserved', 'StockRejected', 'StockReleased', 'StockReplenished'],
    retentionMs: 7 * DAY_MS,
    description: 'Stock reservations, rejections, compensating releases and restocks.',
  },
  {
    name: TOPICS.payments,
    partitions: SAGA_PARTITIONS,
    key: 'orderId',
    events: ['PaymentAuthorized', 'PaymentDeclined'],
    retentionMs: 7 * DAY_MS,
    description: 'Payment outcomes for orders whose stock was reserved.',
  },
  {
    name: TOPICS.activity,
    partitions: 3,
    key: 'sessionId',
    events: ['CatalogBrowsed', 'ProductViewed', 'CartItemAdded', 'CheckoutStarted'],
    retentionMs: 3 * DAY_MS,
    description: 'Shopper funnel activity from the storefront.',
  },
];

/** The dead-letter topic for a topic: poison messages go there with headers naming the error. */
export function dlqTopic(topic: string): string {
  return `${topic}.dlq`;
}

/** Every topic including the dead-letter topics, for start-up topic creation. */
export function allTopics(): TopicSpec[] {
  return topicCatalog.flatMap((t) => [
    t,
    {
      ...t,
      name: dlqTopic(t.name),
      partitions: 1,
      events: t.events,
      description: `Dead letters of ${t.name}.`,
    },
  ]);
}
