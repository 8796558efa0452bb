// The collector hands the WebStore Console a copy of everything: every span before tail sampling,
// every log record, the services' own metrics; scrubbed like the rest, and never able to push back
// on the pipelines that feed Tempo, Loki and Prometheus.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const config = (p: string) =>
  readFileSync(fileURLToPath(new URL(`../../config/${p}`, import.meta.url)), 'utf8');
const collector = parse(config('otel-collector.yaml'));
const topology = JSON.parse(config('topology.json'));
type Pipeline = { receivers: string[]; processors?: string[]; exporters: string[] };
const pipelines = Object.entries(collector.service.pipelines as Record<string, Pipeline>);
const toConsole = pipelines.filter(([, p]) => p.exporters.includes('otlp/console'));
const signal = (name: string) => name.split('/')[0]!;

describe('the console copy', () => {
  it('goes to the console over the internal network, without TLS and without retries', () => {
    const exporter = collector.exporters['otlp/console'];
    expect(exporter.endpoint).toBe(`console:${topology.console.otlpGrpc}`);
    expect(exporter.tls).toEqual({ insecure: true });
    expect(exporter.retry_on_failure).toEqual({ enabled: false });
  });

  it('carries traces, metrics and logs, each straight from the OTLP receiver', () => {
    expect(toConsole.map(([name]) => signal(name)).sort()).toEqual(['logs', 'metrics', 'traces']);
    for (const [name, p] of toConsole) expect(p.receivers, name).toEqual(['otlp']);
  });

  it('has every span: taken before tail sampling, in the pipeline that feeds span metrics', () => {
    const [name, traces] = toConsole.find(([n]) => signal(n) === 'traces')!;
    expect(traces.processors, name).not.toContain('tail_sampling');
    expect(traces.exporters).toEqual(expect.arrayContaining(['spanmetrics', 'forward/sampled']));
  });

  it('is scrubbed and redacted like what Tempo and Loki get', () => {
    for (const [name, p] of toConsole.filter(([n]) => signal(n) !== 'metrics'))
      expect(p.processors, name).toEqual(expect.arrayContaining(['attributes/scrub', 'redaction']));
  });

  it('leaves out the metrics the collector generates from spans (the console derives its own)', () => {
    const [, metrics] = toConsole.find(([n]) => signal(n) === 'metrics')!;
    expect(metrics.receivers).not.toContain('spanmetrics');
    expect(metrics.receivers).not.toContain('servicegraph');
    expect(metrics.exporters).toEqual(['otlp/console']);
  });
});
