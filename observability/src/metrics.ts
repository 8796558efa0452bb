// Typed instruments for every metric in the catalog, on the global meter the preload registers,
// and the Prometheus text for a service's own /metrics route.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  metrics,
  type Attributes,
  type Counter,
  type Gauge,
  type Histogram,
  type UpDownCounter,
} from '@opentelemetry/api';
import {
  metricsCatalog,
  type MetricKey,
  type MetricKind,
  type MetricSpec,
} from './metrics-catalog.js';
import { getTelemetryState } from './telemetry-state.js';

type Catalog = typeof metricsCatalog;

/** The attributes an instrument accepts: exactly the catalog's labels, all optional. */
export type LabelsOf<K extends MetricKey> = Partial<
  Record<Catalog[K]['labels'][number], string | number | boolean>
>;

/** An observed gauge: each collection exports exactly the points of the latest `replace`. */
export interface ObservedGauge<A> {
  replace(points: readonly { value: number; attributes: A }[]): void;
}

type InstrumentOf<Kind extends MetricKind, A extends LabelsOf<MetricKey>> = Kind extends 'counter'
  ? Counter<A>
  : Kind extends 'histogram'
    ? Histogram<A>
    : Kind extends 'gauge'
      ? Gauge<A>
      : Kind extends 'observed-gauge'
        ? ObservedGauge<A>
        : UpDownCounter<A>;

export type WebstoreMetrics = {
  readonly [K in MetricKey]: InstrumentOf<Catalog[K]['kind'], LabelsOf<K>>;
};

const METER_NAME = 'webstore';

/**
 * Creates one instrument per catalog entry. Call it after the preload has started (any time in
 * the app's own code); without the preload the instruments are no-ops.
 */
export function createMetrics(): WebstoreMetrics {
  const meter = metrics.getMeter(METER_NAME);
  const result: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(metricsCatalog as Record<string, MetricSpec>)) {
    // No `unit`: the name carries it, so no exporter appends a suffix (see metrics-catalog.ts).
    const options = { description: spec.description };
    switch (spec.kind) {
      case 'counter':
        result[key] = meter.createCounter(spec.name, options);
        break;
      case 'histogram':
        result[key] = meter.createHistogram(spec.name, {
          ...options,
          advice: { explicitBucketBoundaries: [...(spec.buckets ?? [])] },
        });
        break;
      case 'gauge':
        result[key] = meter.createGauge(spec.name, options);
        break;
      case 'observed-gauge': {
        let points: readonly { value: number; attributes: Attributes }[] = [];
        meter.createObservableGauge(spec.name, options).addCallback((observer) => {
          for (const { value, attributes } of points) observer.observe(value, attributes);
        });
        result[key] = {
          replace: (next: typeof points) => void (points = next),
        } satisfies ObservedGauge<Attributes>;
        break;
      }
      default:
        result[key] = meter.createUpDownCounter(spec.name, options);
    }
  }
  return result as WebstoreMetrics;
}

/** Prometheus text exposition of this process's metrics (empty without the preload or when disabled). */
export function metricsHandler(_req: IncomingMessage, res: ServerResponse): void {
  const prometheus = getTelemetryState()?.prometheus;
  if (!prometheus) {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end('');
    return;
  }
  prometheus.getMetricsRequestHandler(_req, res);
}
