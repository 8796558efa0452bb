// The one list of business and Kafka metrics. Services create their instruments from it, and
// dashboards, alerts and recording rules are checked against it.
//
// Naming rule, so the names are identical whether exported over OTLP (and turned into Prometheus
// names by the Collector) or scraped from a service's /metrics: the base name already carries any
// unit suffix (`_seconds`), no OTel `unit` is set (so nothing appends one), and counters are named
// without `_total` (both paths append it). `prometheusName()` gives the name as Prometheus shows it.

// 'observed-gauge': a gauge exported from the latest snapshot its owner set, so a series left out
// of the snapshot (a partition this instance no longer owns) stops being exported instead of
// repeating its last value.
export type MetricKind = 'counter' | 'histogram' | 'gauge' | 'observed-gauge' | 'updown';

export interface MetricSpec {
  /** OTel instrument name, which is also the Prometheus base name. */
  readonly name: string;
  readonly kind: MetricKind;
  readonly description: string;
  /** Attribute (label) names the instrument is recorded with. */
  readonly labels: readonly string[];
  /** Bucket boundaries for histograms, in the unit the name states. */
  readonly buckets?: readonly number[];
  /** Services that emit it. */
  readonly emittedBy: readonly ('gateway' | 'inventory' | 'payment' | 'analytics' | 'any')[];
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const metricsCatalog = {
  funnelStage: {
    name: 'webstore_funnel_stage',
    kind: 'counter',
    description:
      'Shopper funnel events by stage (browse_catalog, view_product, add_to_cart, checkout_started, checkout_complete).',
    labels: ['stage', 'country', 'synthetic', 'replay'],
    emittedBy: ['analytics'],
  },
  customerSegment: {
    name: 'webstore_customer_segment',
    kind: 'counter',
    description: 'Customer actions by derived segment (new, returning, vip, at_risk, churned).',
    labels: ['segment', 'action'],
    emittedBy: ['analytics'],
  },
  revenue: {
    name: 'webstore_revenue_cents',
    kind: 'counter',
    description: 'Revenue of completed orders, in US cents.',
    labels: ['country', 'segment'],
    emittedBy: ['analytics'],
  },
  ordersPlaced: {
    name: 'webstore_orders_placed',
    kind: 'counter',
    description: 'Orders accepted by the gateway (HTTP 202).',
    labels: ['country', 'synthetic'],
    emittedBy: ['gateway'],
  },
  orders: {
    name: 'webstore_orders',
    kind: 'counter',
    description:
      'Orders reaching a terminal status, by status (completed, failed) and failure reason.',
    labels: ['status', 'reason', 'country', 'synthetic'],
    emittedBy: ['gateway'],
  },
  orderE2eDuration: {
    name: 'webstore_order_e2e_duration_seconds',
    kind: 'histogram',
    description: 'Time from OrderPlaced to the order becoming completed or failed.',
    labels: ['status', 'country'],
    buckets: LATENCY_BUCKETS,
    emittedBy: ['gateway'],
  },
  payments: {
    name: 'webstore_payments',
    kind: 'counter',
    description: 'Payment attempts by outcome (authorized, declined), country and decline reason.',
    labels: ['outcome', 'country', 'reason', 'replay'],
    emittedBy: ['payment'],
  },
  paymentDuration: {
    name: 'webstore_payment_processing_duration_seconds',
    kind: 'histogram',
    description: 'Simulated payment processor latency.',
    labels: ['outcome', 'country'],
    buckets: LATENCY_BUCKETS,
    emittedBy: ['payment'],
  },
  stockReservations: {
    name: 'webstore_stock_reservations',
    kind: 'counter',
    description: 'Inventory decisions by outcome (reserved, rejected, released).',
    labels: ['outcome'],
    emittedBy: ['inventory'],
  },
  stockAvailable: {
    name: 'webstore_stock_available',
    kind: 'gauge',
    description: 'Units available to sell per product.',
    labels: ['product'],
    emittedBy: ['inventory'],
  },
  consumerMessages: {
    name: 'webstore_consumer_messages',
    kind: 'counter',
    description:
      'Messages handled by a consumer group, by outcome (processed, duplicate, retried, dead_lettered).',
    labels: ['topic', 'group', 'event_type', 'outcome', 'replay'],
    emittedBy: ['any'],
  },
  duplicatesSkipped: {
    name: 'webstore_duplicates_skipped',
    kind: 'counter',
    description:
      'Events a consumer group dropped because it had processed their id already (redeliveries, replays that keep their id).',
    labels: ['topic', 'group', 'event_type', 'replay'],
    emittedBy: ['any'],
  },
  consumerInfrastructureRetries: {
    name: 'webstore_consumer_infrastructure_retries',
    kind: 'counter',
    description:
      'Retries of a message step that failed because Kafka was unreachable (the partition waits, nothing is dead-lettered), by error class.',
    labels: ['topic', 'group', 'error'],
    emittedBy: ['any'],
  },
  consumerLag: {
    name: 'webstore_consumer_lag_messages',
    kind: 'observed-gauge',
    description:
      'Messages between a group’s position and the partition’s high watermark, reported by the instance that owns the partition.',
    labels: ['topic', 'group', 'partition', 'service_instance_id'],
    emittedBy: ['any'],
  },
  consumerRebalances: {
    name: 'webstore_consumer_rebalances',
    kind: 'counter',
    description:
      'Times a consumer instance joined its group with a new assignment (start, a replica coming or going, a lost member).',
    labels: ['group', 'service_instance_id'],
    emittedBy: ['any'],
  },
  consumerAssignedPartitions: {
    name: 'webstore_consumer_assigned_partitions',
    kind: 'gauge',
    description:
      'Partitions of a topic assigned to a consumer instance now (0 while its group rebalances).',
    labels: ['group', 'topic', 'service_instance_id'],
    emittedBy: ['any'],
  },
  consumerQueueTime: {
    name: 'webstore_consumer_queue_time_seconds',
    kind: 'histogram',
    description:
      'Time a message waited in Kafka: from its produce timestamp to the start of processing.',
    labels: ['topic', 'group'],
    buckets: LATENCY_BUCKETS,
    emittedBy: ['any'],
  },
  consumerProcessDuration: {
    name: 'webstore_consumer_process_duration_seconds',
    kind: 'histogram',
    description: 'Handler time per message, retries included.',
    labels: ['topic', 'group', 'event_type'],
    buckets: LATENCY_BUCKETS,
    emittedBy: ['any'],
  },
  dlqMessages: {
    name: 'webstore_dlq_messages',
    kind: 'counter',
    description: 'Messages sent to a dead-letter topic, by source topic, group and error.',
    labels: ['topic', 'group', 'error'],
    emittedBy: ['any'],
  },
  serviceHeartbeat: {
    name: 'webstore_service_heartbeat',
    kind: 'counter',
    description:
      'Incremented every few seconds by every running service; liveness for push-based services, where `up` does not exist.',
    labels: ['service'],
    emittedBy: ['any'],
  },
} as const satisfies Record<string, MetricSpec>;

export type MetricKey = keyof typeof metricsCatalog;

/** The series names Prometheus shows for a metric (histograms expand to _bucket, _sum, _count). */
export function prometheusNames(spec: MetricSpec): string[] {
  switch (spec.kind) {
    case 'counter':
      return [`${spec.name}_total`];
    case 'histogram':
      return ['_bucket', '_sum', '_count'].map((s) => `${spec.name}${s}`);
    default:
      return [spec.name];
  }
}

/** Every Prometheus series name in the catalog. */
export function allPrometheusNames(): string[] {
  return Object.values(metricsCatalog as Record<string, MetricSpec>).flatMap(prometheusNames);
}
