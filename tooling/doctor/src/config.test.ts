import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type DoctorConfig } from './config.js';

const load = (argv: string[], env: NodeJS.ProcessEnv = {}) => loadConfig(argv, env) as DoctorConfig;

describe('doctor configuration', () => {
  it('checks Kafka and the six local components by default', () => {
    const config = load([]);
    expect(config.stack).toBe('local');
    expect(config.kafkaBrokers).toEqual(['localhost:9092']);
    expect(config.targets.map((t) => t.name)).toEqual([
      'gateway',
      'inventory',
      'payment',
      'analytics',
      'storefront',
      'console',
    ]);
    expect(config.targets[0]!.url).toBe('http://localhost:8000/readyz');
  });

  it('adds the observability backends for the full stack', () => {
    const names = load(['--stack', 'full']).targets.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'otel-collector',
        'tempo',
        'loki',
        'prometheus',
        'alertmanager',
        'grafana',
      ]),
    );
  });

  it('takes base URLs from the environment and appends the probe path', () => {
    const config = load([], { GATEWAY_URL: 'http://gw:9000', KAFKA_BROKERS: 'a:1,b:2' });
    expect(config.targets[0]!.url).toBe('http://gw:9000/readyz');
    expect(config.kafkaBrokers).toEqual(['a:1', 'b:2']);
  });

  it.each([
    [['--stack', 'cloud'], {}, /--stack/],
    [['--timeout', '-1'], {}, /--timeout/],
    [['--verbose'], {}, /unknown option "--verbose"/],
    [[], { PAYMENT_URL: 'not a url' }, /PAYMENT_URL/],
    [[], { KAFKA_BROKERS: 'localhost' }, /KAFKA_BROKERS/],
  ])('rejects %j %j with a message naming the problem', (argv, env, message) => {
    expect(() => loadConfig(argv as string[], env as NodeJS.ProcessEnv)).toThrow(ConfigError);
    expect(() => loadConfig(argv as string[], env as NodeJS.ProcessEnv)).toThrow(message);
  });

  it('leaves out skipped components', () => {
    expect(load(['--skip', 'storefront']).targets.map((t) => t.name)).not.toContain('storefront');
    expect(() => loadConfig(['--skip', 'nonsense'], {})).toThrow(/--skip/);
  });

  it('answers --help', () => {
    expect(loadConfig(['--help'], {})).toBe('help');
  });
});
