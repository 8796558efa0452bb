// Which running copy of a service this is: `service.instance.id` on every span, log and metric
// resource, and a label on the consumer metrics that say which instance owns which partitions.
// OTEL_RESOURCE_ATTRIBUTES can set it (service.instance.id=payment-2); otherwise it is the host
// name and process id, which differ for every replica, on one machine or in containers.
import { hostname } from 'node:os';
import { envDetector } from '@opentelemetry/resources';

let id: string | undefined;

/** This process's `service.instance.id`. */
export function serviceInstanceId(): string {
  const fromEnv = envDetector.detect().attributes?.['service.instance.id'];
  id ??= typeof fromEnv === 'string' && fromEnv ? fromEnv : `${hostname()}-${process.pid}`;
  return id;
}
