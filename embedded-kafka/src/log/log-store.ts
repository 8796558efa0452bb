// All topics' partition logs plus the committed group offsets, in memory or under a data
// directory: `topics.json` (partition counts, written atomically), one directory per partition,
// and `__consumer_offsets.jsonl` (append-only commits, compacted on open).
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { PartitionLog } from './partition-log.js';

export interface LogStoreOptions {
  dataDir?: string;
  segmentBytes?: number;
  retentionBytes?: number;
  retentionMs?: number;
  log?: (message: string) => void;
}

export interface CommittedOffset {
  offset: number;
  metadata: string | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export class LogStore {
  private readonly logs = new Map<string, PartitionLog[]>();
  private readonly committed = new Map<string, CommittedOffset>();
  private offsetsFd: number | undefined;
  readonly retentionMs: number;
  readonly retentionBytes: number;
  private readonly segmentBytes: number;

  constructor(private readonly options: LogStoreOptions = {}) {
    this.retentionMs = options.retentionMs ?? 7 * DAY_MS;
    this.retentionBytes = options.retentionBytes ?? -1;
    this.segmentBytes = options.segmentBytes ?? 64 * 1024 * 1024;
    if (options.dataDir) {
      mkdirSync(options.dataDir, { recursive: true });
      this.recover(options.dataDir);
    }
  }

  topics(): Map<string, number> {
    return new Map([...this.logs].map(([name, partitions]) => [name, partitions.length]));
  }

  hasTopic(topic: string): boolean {
    return this.logs.has(topic);
  }

  /** Partitions of a topic (0 when it does not exist). */
  partitionCount(topic: string): number {
    return this.logs.get(topic)?.length ?? 0;
  }

  topicNames(): string[] {
    return [...this.logs.keys()];
  }

  createTopic(topic: string, partitions: number): PartitionLog[] {
    const logs = Array.from({ length: partitions }, (_, p) => this.openPartition(topic, p));
    this.logs.set(topic, logs);
    this.saveTopics();
    return logs;
  }

  partition(topic: string, partition: number): PartitionLog | undefined {
    return this.logs.get(topic)?.[partition];
  }

  deleteTopic(topic: string): void {
    const logs = this.logs.get(topic);
    if (!logs) return;
    logs.forEach((log, p) => {
      log.close();
      if (this.options.dataDir)
        rmSync(this.partitionDir(topic, p), { recursive: true, force: true });
    });
    this.logs.delete(topic);
    for (const key of [...this.committed.keys()]) {
      if (JSON.parse(key)[1] === topic) this.committed.delete(key);
    }
    this.saveTopics();
    this.compactOffsets();
  }

  applyRetention(nowMs: number): void {
    for (const logs of this.logs.values())
      for (const log of logs) log.applyRetention(nowMs, this.retentionMs, this.retentionBytes);
  }

  commitOffset(
    group: string,
    topic: string,
    partition: number,
    offset: number,
    metadata: string | null,
  ): void {
    this.committed.set(JSON.stringify([group, topic, partition]), { offset, metadata });
    if (this.offsetsFd !== undefined) {
      writeSync(
        this.offsetsFd,
        `${JSON.stringify({ g: group, t: topic, p: partition, o: offset, m: metadata })}\n`,
      );
    }
  }

  fetchOffset(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.committed.get(JSON.stringify([group, topic, partition]));
  }

  /** Groups with committed offsets (they survive restarts even with no live members). */
  groupsWithOffsets(): string[] {
    return [...new Set([...this.committed.keys()].map((k) => JSON.parse(k)[0] as string))];
  }

  close(): void {
    for (const logs of this.logs.values()) for (const log of logs) log.close();
    if (this.offsetsFd !== undefined) closeSync(this.offsetsFd);
    this.offsetsFd = undefined;
  }

  private openPartition(topic: string, partition: number): PartitionLog {
    const dir = this.options.dataDir ? this.partitionDir(topic, partition) : undefined;
    return new PartitionLog({ dir, segmentBytes: this.segmentBytes, log: this.options.log });
  }

  private partitionDir(topic: string, partition: number): string {
    return join(this.options.dataDir!, 'topics', `${topic}-${partition}`);
  }

  private saveTopics(): void {
    if (!this.options.dataDir) return;
    const path = join(this.options.dataDir, 'topics.json');
    writeFileSync(`${path}.tmp`, JSON.stringify(Object.fromEntries(this.topics()), null, 2));
    renameSync(`${path}.tmp`, path);
  }

  private recover(dataDir: string): void {
    const topicsPath = join(dataDir, 'topics.json');
    if (existsSync(topicsPath)) {
      const topics = JSON.parse(readFileSync(topicsPath, 'utf8')) as Record<string, number>;
      for (const [topic, partitions] of Object.entries(topics)) {
        this.logs.set(
          topic,
          Array.from({ length: partitions }, (_, p) => this.openPartition(topic, p)),
        );
      }
    }
    const offsetsPath = join(dataDir, '__consumer_offsets.jsonl');
    if (existsSync(offsetsPath)) {
      for (const line of readFileSync(offsetsPath, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          const c = JSON.parse(line) as {
            g: string;
            t: string;
            p: number;
            o: number;
            m: string | null;
          };
          this.committed.set(JSON.stringify([c.g, c.t, c.p]), { offset: c.o, metadata: c.m });
        } catch {
          // A torn last line from a crash: everything before it was written whole.
        }
      }
    }
    this.compactOffsets();
  }

  /** Rewrites the offsets file with one line per committed partition, then appends from there. */
  private compactOffsets(): void {
    if (!this.options.dataDir) return;
    if (this.offsetsFd !== undefined) closeSync(this.offsetsFd);
    const path = join(this.options.dataDir, '__consumer_offsets.jsonl');
    const lines = [...this.committed].map(([key, c]) => {
      const [g, t, p] = JSON.parse(key) as [string, string, number];
      return `${JSON.stringify({ g, t, p, o: c.offset, m: c.metadata })}\n`;
    });
    writeFileSync(`${path}.tmp`, lines.join(''));
    renameSync(`${path}.tmp`, path);
    this.offsetsFd = openSync(path, 'a');
  }
}
