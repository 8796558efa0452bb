import { describe, expect, it } from 'vitest';
import { readLogLevel, readTelemetryConfig } from './config.js';

describe('readTelemetryConfig', () => {
  it('defaults to enabled, no OTLP endpoint, 10 s metric export and 5 s shutdown budget', () => {
    expect(readTelemetryConfig({})).toEqual({
      disabled: false,
      otlpEndpoint: undefined,
      serviceName: undefined,
      metricExportIntervalMs: 10_000,
      shutdownTimeoutMs: 5_000,
    });
  });

  it('reads the standard OTEL variables', () => {
    expect(
      readTelemetryConfig({
        OTEL_SDK_DISABLED: 'TRUE',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317',
        OTEL_SERVICE_NAME: 'payment',
        OTEL_METRIC_EXPORT_INTERVAL: '1500',
      }),
    ).toMatchObject({
      disabled: true,
      otlpEndpoint: 'http://collector:4317',
      serviceName: 'payment',
      metricExportIntervalMs: 1500,
    });
  });

  it('treats empty values as unset', () => {
    expect(
      readTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ', OTEL_SDK_DISABLED: '' }),
    ).toMatchObject({
      disabled: false,
      otlpEndpoint: undefined,
    });
  });

  it.each([
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4317' },
      /OTEL_EXPORTER_OTLP_ENDPOINT must use http/,
    ],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' }, /OTEL_EXPORTER_OTLP_ENDPOINT must be a URL/],
    [{ OTEL_SDK_DISABLED: '1' }, /OTEL_SDK_DISABLED must be "true" or "false", got "1"/],
    [
      { OTEL_METRIC_EXPORT_INTERVAL: '-5' },
      /OTEL_METRIC_EXPORT_INTERVAL must be a positive integer/,
    ],
    [
      { WEBSTORE_SHUTDOWN_TIMEOUT_MS: 'soon' },
      /WEBSTORE_SHUTDOWN_TIMEOUT_MS must be a positive integer/,
    ],
  ])('rejects %o naming the variable', (env, message) => {
    expect(() => readTelemetryConfig(env)).toThrow(message);
  });
});

describe('readLogLevel', () => {
  it('defaults to info and accepts bunyan level names in any case', () => {
    expect(readLogLevel({})).toBe('info');
    expect(readLogLevel({ LOG_LEVEL: 'DEBUG' })).toBe('debug');
  });

  it('rejects unknown levels naming LOG_LEVEL', () => {
    expect(() => readLogLevel({ LOG_LEVEL: 'verbose' })).toThrow(
      /LOG_LEVEL must be one of trace, debug/,
    );
  });
});
