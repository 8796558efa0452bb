// The four dashboards, as compact panel lists. generate-dashboards.js turns them into Grafana JSON.
//
// Exemplars: only the collector's span-metrics histograms carry them (the Node metrics SDK exports
// none), and they are taken before tail sampling, so most point at traces Tempo never kept. A
// target shows exemplars only where every exemplar's trace is kept: failed spans (the `errors`
// policy) and declined payments (`declined-payments`). See docs/observability.md.
const rate = (expr) => `rate(${expr}[5m])`;
const spanP95 = (by, selector) =>
  `histogram_quantile(0.95, sum by (le, ${by}) (${rate(`traces_span_metrics_duration_seconds_bucket{${selector}}`)}))`;

export const dashboards = [
  {
    uid: 'webstore-overview',
    title: 'WebStore Overview',
    description:
      'The shopper funnel, conversion and abandonment by country, customer segments, revenue and orders.',
    panels: [
      {
        title: 'Funnel (events per stage, selected range)',
        type: 'bargauge',
        expr: 'sum by (stage) (increase(webstore_funnel_stage_total[$__range]))',
        legend: '{{stage}}',
      },
      {
        title: 'Conversion by country (complete / viewed)',
        expr: `sum by (country) (${rate('webstore_funnel_stage_total{stage="checkout_complete"}')}) / sum by (country) (${rate('webstore_funnel_stage_total{stage="view_product"}')})`,
        legend: '{{country}}',
        unit: 'percentunit',
      },
      {
        title: 'Cart abandonment by country',
        expr: `1 - (sum by (country) (${rate('webstore_funnel_stage_total{stage="checkout_complete"}')}) / sum by (country) (${rate('webstore_funnel_stage_total{stage="add_to_cart"}')}))`,
        legend: '{{country}}',
        unit: 'percentunit',
      },
      {
        title: 'Cart abandonment (all)',
        type: 'stat',
        expr: `1 - (sum(${rate('webstore_funnel_stage_total{stage="checkout_complete"}')}) / sum(${rate('webstore_funnel_stage_total{stage="add_to_cart"}')}))`,
        unit: 'percentunit',
      },
      {
        title: 'Customer actions by segment',
        expr: `sum by (segment) (${rate('webstore_customer_segment_total')})`,
        legend: '{{segment}}',
      },
      {
        title: 'Revenue per minute by country (USD)',
        expr: `sum by (country) (${rate('webstore_revenue_cents_total')}) * 60 / 100`,
        legend: '{{country}}',
        unit: 'currencyUSD',
      },
      {
        title: 'Orders by status',
        expr: `sum by (status, reason) (${rate('webstore_orders_total')})`,
        legend: '{{status}} {{reason}}',
      },
      {
        title: 'Orders placed by country',
        expr: `sum by (country) (${rate('webstore_orders_placed_total')})`,
        legend: '{{country}}',
      },
    ],
  },
  {
    uid: 'webstore-async-flow',
    title: 'Async flow',
    description:
      'Kafka as the system sees it: throughput per topic, consumer lag, queue time, dead letters, and the end-to-end order latency with exemplars.',
    panels: [
      {
        title: 'Messages processed per topic',
        expr: `sum by (topic) (${rate('webstore_consumer_messages_total{outcome="processed"}')})`,
        legend: '{{topic}}',
      },
      {
        title: 'Consumer lag (messages)',
        expr: 'max by (group, topic) (webstore_consumer_lag_messages)',
        legend: '{{group}} ← {{topic}}',
      },
      {
        title: 'Lag per partition and owning instance (messages)',
        expr: 'max by (group, topic, partition, service_instance_id) (webstore_consumer_lag_messages)',
        legend: '{{group}} ← {{topic}}/{{partition}} @ {{service_instance_id}}',
      },
      {
        title: 'Partitions owned per instance (a rebalance moves them)',
        expr: 'sum by (group, service_instance_id) (webstore_consumer_assigned_partitions)',
        legend: '{{group}} @ {{service_instance_id}}',
      },
      {
        title: 'Rebalances (joins) per instance, last 15 min',
        type: 'stat',
        expr: 'sum by (group, service_instance_id) (increase(webstore_consumer_rebalances_total[15m]))',
        legend: '{{group}} @ {{service_instance_id}}',
      },
      {
        title: 'Queue time p95 by group',
        expr: `histogram_quantile(0.95, sum by (le, group) (${rate('webstore_consumer_queue_time_seconds_bucket')}))`,
        legend: '{{group}}',
        unit: 's',
      },
      {
        title: 'Handler time p95 by group',
        expr: `histogram_quantile(0.95, sum by (le, group) (${rate('webstore_consumer_process_duration_seconds_bucket')}))`,
        legend: '{{group}}',
        unit: 's',
      },
      {
        title: 'Dead letters (last hour)',
        type: 'stat',
        expr: 'sum by (topic, group, error) (increase(webstore_dlq_messages_total[1h]))',
        legend: '{{group}} {{topic}} {{error}}',
      },
      {
        title: 'Messages by outcome',
        expr: `sum by (group, outcome) (${rate('webstore_consumer_messages_total')})`,
        legend: '{{group}} {{outcome}}',
      },
      {
        title: 'Order latency, placed → terminal (p50, p95, p99)',
        unit: 's',
        targets: [0.5, 0.95, 0.99].map((q) => ({
          expr: `histogram_quantile(${q}, sum by (le) (${rate('webstore_order_e2e_duration_seconds_bucket')}))`,
          legend: `p${q * 100}`,
        })),
      },
      {
        title: 'Consumer span latency p95 by service (exemplars: failed spans → traces)',
        unit: 's',
        targets: [
          {
            expr: spanP95('service_name', 'span_kind="SPAN_KIND_CONSUMER"'),
            legend: '{{service_name}}',
          },
          {
            expr: spanP95(
              'service_name',
              'span_kind="SPAN_KIND_CONSUMER", status_code="STATUS_CODE_ERROR"',
            ),
            legend: '{{service_name}} failed',
            exemplar: true,
          },
        ],
      },
      {
        title: 'Declined payments: handling time p95 by country (exemplars → declined traces)',
        unit: 's',
        targets: [
          {
            expr: spanP95(
              'customer_country',
              'service_name="payment", span_kind="SPAN_KIND_CONSUMER", payment_outcome="declined"',
            ),
            legend: '{{customer_country}}',
            exemplar: true,
          },
        ],
      },
      {
        title: 'Payment decline ratio by country',
        expr: `sum by (country) (${rate('webstore_payments_total{outcome="declined"}')}) / sum by (country) (${rate('webstore_payments_total')})`,
        legend: '{{country}}',
        unit: 'percentunit',
      },
      {
        title: 'Payments by outcome and reason',
        expr: `sum by (outcome, reason) (${rate('webstore_payments_total')})`,
        legend: '{{outcome}} {{reason}}',
      },
    ],
  },
  {
    uid: 'webstore-slo',
    title: 'SLOs & error budgets',
    description:
      'Error ratios of each SLO over the burn-rate windows, and the share of the error budget left (3-day window).',
    panels: [
      {
        title: 'Error ratio, 5 minutes',
        expr: 'slo:sli_error:ratio_rate5m',
        legend: '{{slo}}',
        unit: 'percentunit',
      },
      {
        title: 'Error ratio, 1 hour',
        expr: 'slo:sli_error:ratio_rate1h',
        legend: '{{slo}}',
        unit: 'percentunit',
      },
      {
        title: 'Error ratio, 1 day',
        expr: 'slo:sli_error:ratio_rate1d',
        legend: '{{slo}}',
        unit: 'percentunit',
      },
      {
        title: 'Budget left (3 days): checkout availability',
        type: 'stat',
        expr: '1 - slo:sli_error:ratio_rate3d{slo="checkout-availability"} / 0.005',
        unit: 'percentunit',
      },
      {
        title: 'Budget left (3 days): order completion latency',
        type: 'stat',
        expr: '1 - slo:sli_error:ratio_rate3d{slo="order-completion-latency"} / 0.01',
        unit: 'percentunit',
      },
      {
        title: 'Budget left (3 days): consumer freshness',
        type: 'stat',
        expr: '1 - slo:sli_error:ratio_rate3d{slo="consumer-freshness"} / 0.01',
        unit: 'percentunit',
      },
      {
        title: 'Burn-rate alerts firing',
        type: 'table',
        expr: 'ALERTS{alertname=~"SLOFastBurn|SLOSlowBurn", alertstate="firing"}',
      },
    ],
  },
  {
    uid: 'webstore-service-health',
    title: 'Service health',
    description:
      'RED per service from span metrics (computed before sampling), the service graph, liveness from heartbeats, and error logs.',
    panels: [
      {
        title: 'Request rate (server and consumer spans)',
        expr: `sum by (service_name) (${rate('traces_span_metrics_calls_total{span_kind=~"SPAN_KIND_SERVER|SPAN_KIND_CONSUMER"}')})`,
        legend: '{{service_name}}',
      },
      {
        title: 'Error ratio',
        expr: `sum by (service_name) (${rate('traces_span_metrics_calls_total{status_code="STATUS_CODE_ERROR"}')}) / sum by (service_name) (${rate('traces_span_metrics_calls_total')})`,
        legend: '{{service_name}}',
        unit: 'percentunit',
      },
      {
        title: 'Duration p95 (exemplars: failed spans → traces)',
        unit: 's',
        targets: [
          {
            expr: spanP95('service_name', 'span_kind=~"SPAN_KIND_SERVER|SPAN_KIND_CONSUMER"'),
            legend: '{{service_name}}',
          },
          {
            expr: spanP95(
              'service_name',
              'span_kind=~"SPAN_KIND_SERVER|SPAN_KIND_CONSUMER", status_code="STATUS_CODE_ERROR"',
            ),
            legend: '{{service_name}} failed',
            exemplar: true,
          },
        ],
      },
      {
        title: 'Service graph: requests between services',
        expr: `sum by (client, server) (${rate('traces_service_graph_request_total')})`,
        legend: '{{client}} → {{server}}',
      },
      {
        title: 'Seconds since last heartbeat',
        expr: 'time() - max by (service) (max_over_time(timestamp(webstore_service_heartbeat_total)[1h:15s]))',
        legend: '{{service}}',
        unit: 's',
      },
      {
        title: 'Error logs',
        type: 'logs',
        datasource: 'loki',
        expr: '{service_name=~".+"} | detected_level=~"error|fatal"',
      },
    ],
  },
];
