import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture(level?: 'debug' | 'warn') {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
  });
  const log = createLogger('payment', {
    stream,
    fields: { group: 'payment' },
    ...(level ? { level } : {}),
  });
  return { log, lines };
}

describe('createLogger', () => {
  it('writes bunyan JSON records with the name, extra fields and data in fields', () => {
    const { log, lines } = capture();
    log.info({ orderId: 'o-7' }, 'payment authorized');
    expect(lines[0]).toMatchObject({
      name: 'payment',
      group: 'payment',
      level: 30,
      orderId: 'o-7',
      msg: 'payment authorized',
      v: 0,
    });
  });

  it('serializes errors with message and stack', () => {
    const { log, lines } = capture();
    log.error({ err: new Error('processor timeout') }, 'charge failed');
    expect(lines[0]?.err).toMatchObject({ message: 'processor timeout', name: 'Error' });
    expect(String((lines[0]?.err as { stack: string }).stack)).toContain('processor timeout');
  });

  it('redacts PII fields by name', () => {
    const { log, lines } = capture();
    log.info(
      { email: 'a@b.example', cardNumber: '4111111111111111', token: 'demo-token', country: 'DE' },
      'checkout',
    );
    expect(lines[0]).toMatchObject({
      email: '[redacted]',
      cardNumber: '[redacted]',
      token: '[redacted]',
      country: 'DE',
    });
    expect(JSON.stringify(lines)).not.toMatch(/4111|a@b/);
  });

  it('honours the level option', () => {
    const { log, lines } = capture('warn');
    log.info('hidden');
    log.warn('shown');
    expect(lines.map((l) => l.msg)).toEqual(['shown']);
  });
});
