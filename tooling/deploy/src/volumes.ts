// Named volumes against the images that mount them: every mount point must exist in the image and
// belong to the user the container runs as, or the service cannot write its own data.
import type { ComposeFile } from './compose.js';
import { imagePaths, ownedByUser, type ImagePaths } from './image-paths.js';

/** Facts read from an upstream image's Dockerfile at its pinned tag. */
export interface UpstreamImage {
  /** Repository, path and tag the facts were read from. */
  source: string;
  user: string;
  /** Directory → owner (user part). */
  paths: Record<string, string>;
  uids?: Record<string, string>;
}

/** An image whose Dockerfile could not be read at its pinned tag, with the reason. */
export interface UnverifiedImage {
  unverified: string;
}

export type UpstreamFacts = Record<string, UpstreamImage | UnverifiedImage>;

export interface VolumeMount {
  service: string;
  volume: string;
  target: string;
}

/** Mounts of top-level named volumes (`name:/path[:mode]`), bind mounts excluded. */
export function namedVolumeMounts(compose: ComposeFile): VolumeMount[] {
  const named = new Set(Object.keys(compose.volumes ?? {}));
  return Object.entries(compose.services).flatMap(([service, s]) =>
    (s.volumes ?? [])
      .map((v) => v.split(':'))
      .filter(([source]) => source !== undefined && named.has(source))
      .map(([volume, target]) => ({ service, volume: volume!, target: target ?? '' })),
  );
}

export interface VolumeReport {
  problems: string[];
  /** Images taken on trust because their Dockerfile was not read at the pinned tag. */
  unverified: string[];
}

/** Checks every named-volume mount against the image its service runs. */
export function checkVolumes(
  compose: ComposeFile,
  serviceDockerfile: string,
  upstream: UpstreamFacts,
): VolumeReport {
  const ours = imagePaths(serviceDockerfile);
  const problems: string[] = [];
  const unverified = new Set<string>();
  for (const { service, volume, target } of namedVolumeMounts(compose)) {
    const s = compose.services[service]!;
    let image: Pick<ImagePaths, 'user' | 'paths' | 'uids'>;
    let name: string;
    if (s.build?.context === '.' && !s.build.dockerfile) {
      image = ours;
      name = 'Dockerfile';
    } else {
      name = s.build?.args?.BASE_IMAGE ?? s.image ?? '';
      const facts = upstream[name];
      if (!facts) {
        problems.push(`${service}: no recorded facts for image "${name}"; read its Dockerfile`);
        continue;
      }
      if ('unverified' in facts) {
        unverified.add(name);
        continue;
      }
      image = {
        user: facts.user,
        paths: new Map(Object.entries(facts.paths)),
        uids: new Map(Object.entries(facts.uids ?? {})),
      };
    }
    const owner = image.paths.get(target);
    if (owner === undefined)
      problems.push(
        `${service}: volume ${volume} is mounted at ${target}, which ${name} does not create, so the volume root is root-owned and user ${image.user} cannot write it`,
      );
    else if (!ownedByUser(image, owner))
      problems.push(
        `${service}: volume ${volume} at ${target} is owned by ${owner} in ${name}, but the container runs as ${image.user}`,
      );
  }
  return { problems, unverified: [...unverified].sort() };
}
