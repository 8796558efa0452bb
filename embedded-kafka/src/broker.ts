// createBroker: a single-node, Kafka-wire-compatible broker for local runs and tests.
import { createServer, type Socket } from 'node:net';
import { BrokerState } from './broker-state.js';
import { Connection } from './connection.js';
import { produceHandler } from './handlers/00-produce.js';
import { fetchHandler } from './handlers/01-fetch.js';
import { listOffsetsHandler } from './handlers/02-list-offsets.js';
import { metadataHandler } from './handlers/03-metadata.js';
import { offsetCommitHandler } from './handlers/08-offset-commit.js';
import { offsetFetchHandler } from './handlers/09-offset-fetch.js';
import { findCoordinatorHandler } from './handlers/10-find-coordinator.js';
import { joinGroupHandler } from './handlers/11-join-group.js';
import { heartbeatHandler } from './handlers/12-heartbeat.js';
import { leaveGroupHandler } from './handlers/13-leave-group.js';
import { syncGroupHandler } from './handlers/14-sync-group.js';
import { describeGroupsHandler } from './handlers/15-describe-groups.js';
import { listGroupsHandler } from './handlers/16-list-groups.js';
import { apiVersionsHandler } from './handlers/18-api-versions.js';
import { createTopicsHandler } from './handlers/19-create-topics.js';
import { deleteTopicsHandler } from './handlers/20-delete-topics.js';
import { initProducerIdHandler } from './handlers/22-init-producer-id.js';
import { HandlerRegistry } from './handlers/registry.js';
import { LogStore } from './log/log-store.js';
import { openProtocolTrace } from './protocol-trace.js';

export interface BrokerOptions {
  /** TCP port; 0 picks a free one (default 9092). */
  port?: number;
  host?: string;
  /** Where logs and committed offsets live; omit to keep everything in memory. */
  dataDir?: string;
  nodeId?: number;
  /** Partitions of auto-created topics (default 1). */
  defaultPartitions?: number;
  autoCreateTopics?: boolean;
  /**
   * Largest request accepted (default 100 MiB). A larger frame closes its connection as soon as
   * its size prefix arrives, before any of it is buffered.
   */
  maxFrameBytes?: number;
  /** Client connections open at once; one more is closed on arrival and logged (default 1000). */
  maxConnections?: number;
  segmentBytes?: number;
  retentionMs?: number;
  retentionBytes?: number;
  /** How often retention runs (default 60 s). */
  retentionCheckMs?: number;
  log?: (message: string) => void;
  /** Appends a protocol trace (one JSON line per request and response) to this file. */
  traceFile?: string;
}

export interface Broker {
  /** `host:port` for clients' bootstrap list. */
  bootstrap: string;
  host: string;
  port: number;
  stop(): Promise<void>;
}

/** The registry of every API this broker serves, and so advertises. */
export function createRegistry(): HandlerRegistry {
  const registry = new HandlerRegistry();
  return registry.register(
    produceHandler,
    fetchHandler,
    listOffsetsHandler,
    metadataHandler,
    offsetCommitHandler,
    offsetFetchHandler,
    findCoordinatorHandler,
    joinGroupHandler,
    heartbeatHandler,
    leaveGroupHandler,
    syncGroupHandler,
    describeGroupsHandler,
    listGroupsHandler,
    apiVersionsHandler(registry),
    createTopicsHandler,
    deleteTopicsHandler,
    initProducerIdHandler,
  );
}

/** Starts a broker and resolves once it accepts connections. */
export async function createBroker(options: BrokerOptions = {}): Promise<Broker> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => undefined);
  const store = new LogStore({
    dataDir: options.dataDir,
    segmentBytes: options.segmentBytes,
    retentionMs: options.retentionMs,
    retentionBytes: options.retentionBytes,
    log,
  });
  const registry = createRegistry();
  const sockets = new Set<Socket>();
  const trace = options.traceFile ? openProtocolTrace(options.traceFile) : undefined;
  let connections = 0;
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 9092, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 9092);
  const state = new BrokerState(store, {
    nodeId: options.nodeId ?? 0,
    host,
    port,
    clusterId: 'webstore-embedded',
    defaultPartitions: options.defaultPartitions ?? 1,
    autoCreateTopics: options.autoCreateTopics ?? true,
  });
  const maxConnections = options.maxConnections ?? 1000;
  server.on('connection', (socket) => {
    if (sockets.size >= maxConnections) {
      log(
        `refusing a connection from ${socket.remoteAddress}:${socket.remotePort}: ${maxConnections} connections already open (--max-connections)`,
      );
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    new Connection(socket, registry, state, {
      maxFrameBytes: options.maxFrameBytes ?? 100 * 1024 * 1024,
      log,
      id: ++connections,
      trace,
    });
  });
  const retention = setInterval(
    () => store.applyRetention(Date.now()),
    options.retentionCheckMs ?? 60_000,
  );
  retention.unref();

  let stopped: Promise<void> | undefined;
  return {
    bootstrap: `${host}:${port}`,
    host,
    port,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        clearInterval(retention);
        server.close(() => resolve());
        state.close();
        for (const socket of sockets) socket.destroy();
      }).then(async () => {
        store.close();
        await trace?.close();
      });
      return stopped;
    },
  };
}
