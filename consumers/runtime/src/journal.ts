// An append-only JSON-lines file that services replay at start to rebuild their state. Appends are
// synchronous, so a record written before a commit survives a killed process; a torn last line
// (a crash mid-write) is ignored.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Journal<R> {
  append(record: R): void;
  close(): void;
}

/** Opens (or creates) a journal, calling `apply` for every record already in it. */
export function openJournal<R>(path: string | undefined, apply: (record: R) => void): Journal<R> {
  if (!path) return { append: () => undefined, close: () => undefined };
  mkdirSync(dirname(path), { recursive: true });
  if (existsSync(path)) {
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line) continue;
      let record: R;
      try {
        record = JSON.parse(line) as R;
      } catch {
        continue;
      }
      apply(record);
    }
  }
  const fd = openSync(path, 'a');
  return {
    append(record) {
      writeSync(fd, `${JSON.stringify(record)}\n`);
    },
    close() {
      closeSync(fd);
    },
  };
}
