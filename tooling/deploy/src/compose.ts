// Reads docker-compose.yml into a typed shape, resolving YAML anchors and merge keys the way
// Compose does, so checks can reason about the services as Compose will see them.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string; args?: Record<string, string> };
  environment?: Record<string, string | number | boolean>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string; disable?: boolean };
  profiles?: string[];
  command?: string[] | string;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** Parses a compose file with merge keys (`<<: *anchor`) applied. */
export function readCompose(path: string): ComposeFile {
  return parse(readFileSync(path, 'utf8'), { merge: true, maxAliasCount: -1 }) as ComposeFile;
}

/** A published port `127.0.0.1:8000:8000` as its parts. */
export interface PublishedPort {
  hostIp: string | undefined;
  hostPort: number;
  containerPort: number;
}

export function parsePort(spec: string): PublishedPort {
  const parts = spec.split(':');
  const containerPort = Number(parts.at(-1));
  const hostPort = Number(parts.at(-2) ?? containerPort);
  const hostIp = parts.length === 3 ? parts[0] : undefined;
  return { hostIp, hostPort, containerPort };
}

/** Bind mounts (`./path:/in/container[:ro]`) of a service, host side as written. */
export function bindMounts(service: ComposeService): { host: string; container: string }[] {
  return (service.volumes ?? [])
    .map((v) => v.split(':'))
    .filter(([host]) => host !== undefined && (host.startsWith('./') || host.startsWith('/')))
    .map(([host, container]) => ({ host: host!, container: container ?? '' }));
}

/** The image a service runs: its `image`, or the pinned base image a probe build extends. */
export function imagesOf(service: ComposeService): string[] {
  const images: string[] = [];
  if (service.image) images.push(service.image);
  const base = service.build?.args?.BASE_IMAGE;
  if (base) images.push(base);
  return images;
}

/** True when an image reference names an explicit version tag (not `latest`) or a digest. */
export function isPinned(image: string): boolean {
  if (image.includes('@sha256:')) return true;
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  if (colon < 0) return false;
  const tag = image.slice(colon + 1);
  return tag !== 'latest' && /\d/.test(tag);
}
