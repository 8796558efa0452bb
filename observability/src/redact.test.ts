import { describe, expect, it } from 'vitest';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { redactSecrets, RedactingSpanProcessor } from './redact.js';

describe('credential redaction', () => {
  it.each([
    ['/api/orders/o1/events?token=user-token-123', '/api/orders/o1/events?token=[redacted]'],
    ['http://h:1/x?a=1&ticket=abc.def&b=2', 'http://h:1/x?a=1&ticket=[redacted]&b=2'],
    ['token=abc', 'token=[redacted]'],
    ['/api/orders?mine', '/api/orders?mine'],
    ['/api/products?q=tokens', '/api/products?q=tokens'],
  ])('%s', (input, output) => {
    expect(redactSecrets(input)).toBe(output);
  });

  it('scrubs span attributes and event attributes before export', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      spanProcessors: [new RedactingSpanProcessor(new SimpleSpanProcessor(exporter))],
    });
    const span = provider.getTracer('t').startSpan('GET', {
      attributes: { 'http.target': '/e?token=secret-1', 'url.query': 'ticket=secret-2' },
    });
    span.setAttribute('url.full', 'http://h/e?token=secret-1');
    span.addEvent('note', { where: '/e?ticket=secret-2' });
    span.end();
    const [exported] = exporter.getFinishedSpans();
    expect(JSON.stringify([exported!.attributes, exported!.events])).not.toMatch(/secret-/);
    expect(exported!.attributes['http.target']).toBe('/e?token=[redacted]');
  });
});
