// Which running copy of a service this is: `service.instance.id` on every span, log and metric
// resource, and a label on the consumer metrics that say which instance owns which partitions.
// OTEL_RESOURCE_ATTRIBUTES can set it (service.instance.id=payment-2); otherwise it is the host
// name and process id, which differ for every replica, on one machine or in containers.
import { hostname } from 'node:os';

let id: string | undefined;

/** This process's `service.instance.id`. */
export function serviceInstanceId(): string {
  id ??=
    fromResourceAttributes(process.env.OTEL_RESOURCE_ATTRIBUTES) ?? `${hostname()}-${process.pid}`;
  return id;
}

function fromResourceAttributes(value: string | undefined): string | undefined {
  for (const pair of (value ?? '').split(',')) {
    const [key, ...rest] = pair.split('=');
    if (key?.trim() === 'service.instance.id' && rest.length > 0) {
      const found = decodeURIComponent(rest.join('=').trim());
      if (found) return found;
    }
  }
  return undefined;
}
