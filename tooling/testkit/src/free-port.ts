// Ports for child processes that must be told their port before they listen.
//
// Asking the kernel for port 0 and closing the socket hands out a port from the ephemeral range,
// the same range outbound connections take their local port from: in the seconds before the
// child listens, any client connection of this machine (kafkajs, an OTLP exporter) may be bound
// to it, and the child fails with EADDRINUSE. So ports come from below (or above) that range,
// and a reservation file per port keeps two processes of this machine from handing out the
// same one while their children start.
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';

const RESERVATIONS = join(tmpdir(), 'webstore-ports');
const held = new Set<string>();
let cleanupInstalled = false;

/** The kernel's range for the local port of outbound connections. */
export function ephemeralPortRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    if (low && high) return [low, high];
  } catch {
    // not Linux: the IANA dynamic range, which macOS and Windows use
  }
  return [49152, 65535];
}

function candidateRange(): [number, number] {
  const [low, high] = ephemeralPortRange();
  if (low - 1 >= 12_000) return [10_000, low - 1];
  if (high + 2_000 <= 65_535) return [high + 1, 65_535];
  throw new Error(
    `no ports outside the ephemeral range ${low}-${high} (net.ipv4.ip_local_port_range)`,
  );
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function reserve(port: number): boolean {
  const file = join(RESERVATIONS, String(port));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      held.add(file);
      if (!cleanupInstalled) {
        cleanupInstalled = true;
        process.once('exit', () => {
          for (const f of held) {
            try {
              unlinkSync(f);
            } catch {
              // already gone
            }
          }
        });
      }
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner: number;
      try {
        owner = Number(readFileSync(file, 'utf8'));
      } catch {
        continue; // released in between: try again
      }
      if (owner && alive(owner)) return false;
      try {
        unlinkSync(file); // left by a process that is gone
      } catch {
        // someone else cleaned it up
      }
    }
  }
  return false;
}

function release(port: number): void {
  const file = join(RESERVATIONS, String(port));
  held.delete(file);
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * A TCP port that nothing listens on, outside the ephemeral range, and reserved for this
 * process (until it exits) against every other caller of freePort on this machine.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  mkdirSync(RESERVATIONS, { recursive: true });
  const [low, high] = candidateRange();
  const span = high - low + 1;
  const start = randomInt(span);
  for (let i = 0; i < Math.min(span, 500); i++) {
    const port = low + ((start + i) % span);
    if (!reserve(port)) continue;
    if (await canListen(port, host)) return port;
    release(port);
  }
  throw new Error(`no free port found in ${low}-${high} on ${host}`);
}
