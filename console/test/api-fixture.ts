// Telemetry the API tests post: order traces (gateway → topic → inventory) and log records.
export const ns = (ms: number) => String(BigInt(ms) * 1_000_000n);
export const kv = (key: string, value: string | number | boolean) => ({
  key,
  value:
    typeof value === 'string'
      ? { stringValue: value }
      : typeof value === 'boolean'
        ? { boolValue: value }
        : { intValue: String(value) },
});

/** An order's trace: gateway → orders topic → inventory, ms offsets from `at`. */
export function orderTrace(
  n: number,
  at: number,
  opts: { country?: string; synthetic?: boolean; error?: boolean } = {},
) {
  const traceId = n.toString(16).padStart(32, 'a');
  const id = (k: number) => (n * 10 + k).toString(16).padStart(16, '0');
  const span = (
    k: number,
    parent: number | undefined,
    name: string,
    kind: number,
    start: number,
    end: number,
    attrs: object[],
    status = 0,
  ) => ({
    traceId,
    spanId: id(k),
    ...(parent !== undefined ? { parentSpanId: id(parent) } : {}),
    name,
    kind,
    startTimeUnixNano: ns(at + start),
    endTimeUnixNano: ns(at + end),
    attributes: attrs,
    status: { code: status },
  });
  const gateway = [
    span(1, undefined, 'POST /api/orders', 2, 0, 30, [
      kv('order.id', `ord-${n}`),
      kv('customer.country', opts.country ?? 'US'),
      kv('webstore.synthetic', opts.synthetic ?? false),
    ]),
    span(2, 1, 'send webstore.orders.v1', 4, 5, 10, [
      kv('messaging.destination.name', 'webstore.orders.v1'),
    ]),
  ];
  const inventory = [
    span(
      3,
      2,
      'process webstore.orders.v1',
      5,
      20,
      25 + n,
      [
        kv('messaging.destination.name', 'webstore.orders.v1'),
        kv('messaging.destination.partition.id', '1'),
        kv('messaging.kafka.offset', String(n)),
        kv('messaging.consumer.group.name', 'inventory'),
      ],
      opts.error ? 2 : 0,
    ),
  ];
  const resourceSpans = [
    {
      resource: { attributes: [kv('service.name', 'gateway')] },
      scopeSpans: [{ scope: { name: 'koa' }, spans: gateway }],
    },
    {
      resource: { attributes: [kv('service.name', 'inventory')] },
      scopeSpans: [{ scope: { name: 'kafkajs' }, spans: inventory }],
    },
  ];
  return { traceId, body: JSON.stringify({ resourceSpans }) };
}

export function logsBody(
  traceId: string,
  at: number,
  lines: { body: string; severity: number; service?: string }[],
) {
  return JSON.stringify({
    resourceLogs: lines.map((l, i) => ({
      resource: { attributes: [kv('service.name', l.service ?? 'inventory')] },
      scopeLogs: [
        {
          scope: { name: 'bunyan' },
          logRecords: [
            {
              timeUnixNano: ns(at + i),
              severityNumber: l.severity,
              severityText: l.severity >= 17 ? 'error' : 'info',
              body: { stringValue: l.body },
              traceId,
              attributes: [kv('orderId', 'o')],
            },
          ],
        },
      ],
    })),
  });
}
