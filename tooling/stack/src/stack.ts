// startStack: the local system in child processes, in dependency order, each waited for.
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { freePort } from '@webstore/testkit/free-port';
import { allTopics } from '@webstore/schemas';
import { startProcess, type ManagedProcess } from './processes.js';
import {
  findAlertmanager,
  startAlertmanager,
  startPrometheus,
  type RunningAlertmanager,
  type RunningPrometheus,
} from './prometheus.js';
import { createSupervisor, type SupervisorOptions } from './supervisor.js';

export type ServiceName =
  'inventory' | 'payment' | 'analytics' | 'gateway' | 'storefront' | 'console';
/** A service, or the embedded broker. */
export type ProcessName = ServiceName | 'kafka';

export interface StackOptions {
  /** Root for the broker's log, each service's state and the log files. */
  dataDir: string;
  /** Use these brokers instead of starting the embedded one. */
  kafkaBrokers?: string;
  /** Fixed ports (dev); anything not given gets a free port. */
  ports?: Partial<
    Record<ServiceName | 'kafka' | 'otlpGrpc' | 'otlpHttp' | 'prometheus' | 'alertmanager', number>
  >;
  /** Send telemetry over OTLP gRPC to this collector (or a test receiver). */
  otlpEndpoint?: string;
  /**
   * Start the WebStore Console first (UI/API, OTLP gRPC and HTTP receivers, data under
   * `<dataDir>/console`) and point every service's OTEL_EXPORTER_OTLP_ENDPOINT at it, unless
   * `otlpEndpoint` names another receiver. The store's server then forwards the browser's spans
   * to the console's OTLP/HTTP receiver (BROWSER_OTLP_ENDPOINT).
   */
  console?: boolean;
  /** false sets OTEL_SDK_DISABLED=true everywhere. */
  telemetry?: boolean;
  storefront?: boolean;
  /** Extra environment for every service, and per service. */
  env?: Record<string, string>;
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  host?: string;
  onProgress?: (message: string) => void;
  /**
   * Restart any process that dies on its own (the embedded broker included), with backoff,
   * reporting each restart through onProgress. `npm start` turns it on; tests that kill a
   * process on purpose use killService/stopService, which the supervisor leaves alone.
   */
  supervise?: boolean | Omit<SupervisorOptions, 'report'>;
  /** Extra Node.js arguments for every service and the console (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  /** Write the embedded broker's protocol trace (EMBEDDED_KAFKA_TRACE) to this file. */
  kafkaTraceFile?: string;
  /**
   * Run Prometheus (Debian's binary, which must be installed) scraping every service's /metrics
   * and evaluating our alert and SLO rules, with Alertmanager when one is installed; the console
   * gets PROMETHEUS_URL and shows its alerts. Data under `<dataDir>/prometheus`.
   */
  prometheus?: boolean | PrometheusStackOptions;
}

export interface PrometheusStackOptions {
  /** Scrape and rule evaluation interval (default 5 s). */
  scrapeIntervalSeconds?: number;
  /** Start Alertmanager too when its binary is installed (default true). */
  alertmanager?: boolean;
}

export interface Stack {
  urls: Record<Exclude<ServiceName, 'storefront' | 'console'>, string> & {
    storefront?: string;
    console?: string;
    prometheus?: string;
    alertmanager?: string;
  };
  /** Where the services send OTLP (gRPC), if anywhere. */
  otlpEndpoint?: string;
  /** The console's OTLP/HTTP receiver, when the console runs. */
  consoleOtlpHttp?: string;
  kafkaBrokers: string;
  dataDir: string;
  /** Log file of a service (bunyan JSON lines). */
  logFile(name: ServiceName | 'kafka'): string;
  process(name: ProcessName): ManagedProcess | undefined;
  /** SIGTERM one process and wait for it to exit; the supervisor does not restart it. */
  stopService(name: ProcessName): Promise<void>;
  /** SIGKILL one process (a crash) and wait for it to exit; the supervisor does not restart it. */
  killService(name: ProcessName): Promise<void>;
  /** Start a stopped process again, on the same port and data (supervised again, if on). */
  startService(name: ProcessName): Promise<void>;
  /** How often the supervisor has restarted a process. */
  restarts(name: ProcessName): number;
  stop(): Promise<void>;
}

export const REPO_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

const ENTRIES: Record<ServiceName, string> = {
  inventory: 'consumers/inventory/dist/main.js',
  payment: 'consumers/payment/dist/main.js',
  analytics: 'consumers/analytics/dist/main.js',
  gateway: 'gateway/dist/main.js',
  storefront: 'storefront/server/server.js',
  console: 'console/dist/main.js',
};

const CONSUMERS: ServiceName[] = ['inventory', 'payment', 'analytics'];

async function createTopics(brokers: string): Promise<void> {
  const kafka = new kafkajs.Kafka({
    clientId: 'webstore-stack',
    brokers: brokers.split(','),
    logLevel: kafkajs.logLevel.NOTHING,
    retry: { retries: 20 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = allTopics().filter((t) => !existing.has(t.name));
    if (missing.length > 0) {
      await admin.createTopics({
        topics: missing.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions,
          configEntries: [{ name: 'retention.ms', value: String(t.retentionMs) }],
        })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}

/** Starts everything and resolves once every service answers its readiness probe. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const host = options.host ?? '127.0.0.1';
  const dataDir = resolve(options.dataDir);
  const progress = options.onProgress ?? (() => undefined);
  const logFile = (name: string) => join(dataDir, 'logs', `${name}.log`);
  mkdirSync(join(dataDir, 'logs'), { recursive: true });
  const withStorefront =
    options.storefront === true && existsSync(join(REPO_ROOT, 'storefront/dist/index.html'));
  const names: ServiceName[] = [
    ...CONSUMERS,
    'gateway',
    ...(withStorefront ? (['storefront'] as const) : []),
    ...(options.console ? (['console'] as const) : []),
  ];
  const ports = {} as Record<ServiceName, number>;
  for (const name of names) ports[name] = options.ports?.[name] ?? (await freePort(host));
  const urls = Object.fromEntries(
    names.map((n) => [n, `http://${host}:${ports[n]}`]),
  ) as Stack['urls'];

  const processes = new Map<ProcessName, ManagedProcess>();
  let kafkaBrokers = options.kafkaBrokers;
  const supervisor = createSupervisor({
    ...(typeof options.supervise === 'object' ? options.supervise : {}),
    report: progress,
  });
  let prometheus: RunningPrometheus | undefined;
  let alertmanager: RunningAlertmanager | undefined;
  const stopAll = async () => {
    supervisor.stop();
    await prometheus?.stop();
    await alertmanager?.stop();
    // The console last, so it still receives what the others flush on their way out.
    for (const name of ['storefront', 'gateway', ...CONSUMERS, 'kafka', 'console'] as const)
      await processes.get(name)?.stop();
  };

  const prometheusOptions: PrometheusStackOptions | undefined =
    options.prometheus === true ? {} : options.prometheus || undefined;
  if (prometheusOptions)
    urls.prometheus = `http://${host}:${options.ports?.prometheus ?? (await freePort(host))}`;
  let otlpEndpoint = options.otlpEndpoint;
  let consoleOtlpHttp: string | undefined;
  const startConsole = async () => {
    const [grpcPort, httpPort] = [
      options.ports?.otlpGrpc ?? (await freePort(host)),
      options.ports?.otlpHttp ?? (await freePort(host)),
    ];
    progress(
      `starting the console on ${urls.console} (OTLP gRPC ${host}:${grpcPort}, HTTP ${host}:${httpPort})`,
    );
    const managed = await startProcess({
      name: 'console',
      command: process.execPath,
      args: [...(options.nodeArgs ?? []), join(REPO_ROOT, ENTRIES.console)],
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        ...options.env,
        ...options.serviceEnv?.console,
        HOST: host,
        CONSOLE_PORT: String(ports.console),
        CONSOLE_OTLP_GRPC_PORT: String(grpcPort),
        CONSOLE_OTLP_HTTP_PORT: String(httpPort),
        CONSOLE_DATA_DIR: join(dataDir, 'console'),
        KAFKA_BROKERS: brokersForConsole,
        REPLAY_DATA_DIR: join(dataDir, 'replay'),
        ...(urls.prometheus ? { PROMETHEUS_URL: urls.prometheus } : {}),
      },
      logFile: logFile('console'),
      readyUrl: `${urls.console}/readyz`,
      timeoutMs: 60_000,
    });
    processes.set('console', managed);
    otlpEndpoint ??= `http://${host}:${grpcPort}`;
    consoleOtlpHttp = `http://${host}:${httpPort}`;
    return managed;
  };

  // Chosen before the console starts (it is the first process: the OTLP endpoint), so the console
  // knows where the broker will be; it connects to Kafka on first use.
  const kafkaPort = kafkaBrokers ? 0 : (options.ports?.kafka ?? (await freePort(host)));
  const brokersForConsole = kafkaBrokers ?? `${host}:${kafkaPort}`;
  try {
    if (options.console) await startConsole();
    const startKafka = async () => {
      const broker = await startProcess({
        name: 'kafka',
        command: process.execPath,
        args: [
          join(REPO_ROOT, 'embedded-kafka/dist/cli.js'),
          '--host',
          host,
          '--port',
          String(kafkaPort),
          '--data-dir',
          join(dataDir, 'kafka'),
          '--partitions',
          '3',
        ],
        cwd: REPO_ROOT,
        env: options.kafkaTraceFile
          ? { ...process.env, EMBEDDED_KAFKA_TRACE: options.kafkaTraceFile }
          : process.env,
        logFile: logFile('kafka'),
        readyLine: /embedded-kafka listening on/,
      });
      processes.set('kafka', broker);
      return broker;
    };
    if (!kafkaBrokers) {
      progress(`starting the embedded Kafka broker on ${host}:${kafkaPort}`);
      await startKafka();
      kafkaBrokers = `${host}:${kafkaPort}`;
    }
    progress(`creating topics on ${kafkaBrokers}`);
    await createTopics(kafkaBrokers);

    const envFor = (name: ServiceName): NodeJS.ProcessEnv => {
      const env: NodeJS.ProcessEnv = {
        // The local stack is the demo: the store's persona picker is on unless told otherwise.
        DEMO_MODE: 'true',
        ...process.env,
        ...options.env,
        ...options.serviceEnv?.[name],
        KAFKA_BROKERS: kafkaBrokers,
        HOST: host,
        PORT: String(ports[name]),
        DATA_DIR: join(dataDir, name),
        OTEL_SERVICE_NAME: name,
        INVENTORY_URL: urls.inventory,
        PAYMENT_URL: urls.payment,
        ANALYTICS_URL: urls.analytics,
        GATEWAY_URL: urls.gateway,
      };
      if (otlpEndpoint) env.OTEL_EXPORTER_OTLP_ENDPOINT = otlpEndpoint;
      if (urls.console) env.CONSOLE_URL = urls.console;
      // The store's server forwards the browser's spans (OTLP/JSON) to the console's HTTP receiver.
      if (name === 'storefront' && consoleOtlpHttp) env.BROWSER_OTLP_ENDPOINT ??= consoleOtlpHttp;
      if (options.telemetry === false) env.OTEL_SDK_DISABLED = 'true';
      return env;
    };
    const start = async (name: ServiceName) => {
      if (name === 'console') return startConsole();
      const probe = name === 'storefront' ? '/healthz' : '/readyz';
      const managed = await startProcess({
        name,
        command: process.execPath,
        args: [
          ...(options.nodeArgs ?? []),
          '--import',
          '@webstore/observability/register',
          join(REPO_ROOT, ENTRIES[name]),
        ],
        cwd: REPO_ROOT,
        env: envFor(name),
        logFile: logFile(name),
        readyUrl: `${urls[name]}${probe}`,
        timeoutMs: 90_000,
      });
      processes.set(name, managed);
      return managed;
    };
    const restart = (name: ProcessName) => (name === 'kafka' ? startKafka() : start(name));
    const supervise = (name: ProcessName) => {
      const managed = processes.get(name);
      if (options.supervise && managed) supervisor.watch(name, managed, () => restart(name));
    };
    progress('starting inventory, payment and analytics');
    await Promise.all(CONSUMERS.map(start));
    progress('starting the gateway');
    await start('gateway');
    if (withStorefront) {
      progress('starting the storefront');
      await start('storefront');
    }

    if (prometheusOptions && urls.prometheus) {
      const promDir = join(dataDir, 'prometheus');
      if (prometheusOptions.alertmanager !== false && findAlertmanager()) {
        progress('starting Alertmanager');
        alertmanager = await startAlertmanager({
          configFile: join(REPO_ROOT, 'observability/config/alertmanager/alertmanager.yml'),
          dataDir: join(promDir, 'alertmanager'),
          host,
          port: options.ports?.alertmanager,
          logFile: logFile('alertmanager'),
        });
        urls.alertmanager = alertmanager.url;
      }
      progress(`starting Prometheus on ${urls.prometheus}`);
      prometheus = await startPrometheus({
        targets: CONSUMERS.concat('gateway').map((job) => ({
          job,
          address: new URL(urls[job as 'gateway']).host,
        })),
        scrapeIntervalSeconds: prometheusOptions.scrapeIntervalSeconds ?? 5,
        host,
        port: Number(new URL(urls.prometheus).port),
        dataDir: promDir,
        logFile: logFile('prometheus'),
        alertmanager: alertmanager?.address,
      });
    }

    for (const name of processes.keys()) supervise(name);
    return {
      urls,
      otlpEndpoint,
      consoleOtlpHttp,
      kafkaBrokers: kafkaBrokers!,
      dataDir,
      logFile,
      process: (name) => processes.get(name),
      async stopService(name) {
        supervisor.suspend(name);
        await processes.get(name)?.stop();
      },
      async killService(name) {
        supervisor.suspend(name);
        const managed = processes.get(name);
        managed?.kill();
        await managed?.exited;
      },
      async startService(name) {
        if (name === 'kafka' && options.kafkaBrokers)
          throw new Error('the stack uses an external Kafka; it has no broker to start');
        await restart(name);
        supervise(name);
      },
      restarts: (name) => supervisor.restarts(name),
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
