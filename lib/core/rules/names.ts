import { error, Finding, warning } from "../findings";
import { TopologyModel } from "../model";
import { checkedProcesses, PlacedProcess } from "./processes";

/**
 * Docker's rule for container and volume names (moby daemon/names: `[a-zA-Z0-9][a-zA-Z0-9_.-]+`, so at least two
 * characters); the local volume driver also refuses a one-character name and makes a directory
 * `/var/lib/docker/volumes/<name>`, which Linux limits to 255 bytes (NAME_MAX).
 */
export const DOCKER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
export const MAX_VOLUME_NAME = 255;
/** What the library appends to a container name for the default store volume. */
const STORE_SUFFIX = "-store";

/**
 * Names Docker would refuse: container names, store volume names (explicit, or derived from a long cluster name,
 * brokerName or containerName), and the cluster's image reference. A derived name is reported where the part that
 * makes it too long was declared, once.
 */
export function checkNames(topology: TopologyModel): Finding[] {
  const findings: Finding[] = [];
  // The cluster's image (unless a Terraform expression) and each console's own.
  const images = topology.clusters.flatMap((c) => [
    ...(c.unresolved?.includes("image")
      ? []
      : [{ path: c.path, image: c.image, example: `apache/rocketmq:${c.version}` }]),
    ...(c.dashboards ?? []).map((d) => ({
      path: d.path,
      image: d.image,
      example: "apacherocketmq/rocketmq-dashboard:2.1.0",
    })),
  ]);
  for (const { path, image, example } of images) {
    const problem = imageProblem(image);
    if (!problem) continue;
    findings.push(
      error(
        path,
        "names/image",
        `image ${JSON.stringify(image)} ${problem}`,
        `Set image to a reference such as "${example}" (the default), or remove image.`,
      ),
    );
  }
  const tooLong = new Map<string, { prop: string; value: string; longest: string }>();
  for (const p of checkedProcesses(topology)) {
    const name = p.process.containerName;
    const derivedName = p.process.defaults?.includes("containerName") ?? false;
    if (!derivedName && !DOCKER_NAME.test(name)) {
      findings.push(
        error(
          p.process.path,
          "names/container",
          `containerName ${JSON.stringify(name)} ${nameProblem(name)}`,
          `Set containerName to letters, digits, "_", "." or "-", starting with a letter or digit, at least 2 characters, e.g. containerName: "${suggestName(name)}".`,
        ),
      );
    }
    const store = "store" in p.process ? p.process.store : undefined;
    if (store?.volume === undefined) continue;
    if (!p.process.defaults?.includes("store")) {
      if (!DOCKER_NAME.test(store.volume) || store.volume.length > MAX_VOLUME_NAME) {
        findings.push(
          error(
            p.process.path,
            "names/volume",
            `store.volume ${JSON.stringify(store.volume)} ${volumeProblem(store.volume)}`,
            `Set store.volume to letters, digits, "_", "." or "-", starting with a letter or digit, 2 to ${MAX_VOLUME_NAME} characters, e.g. store: { volume: "${suggestName(`${name}${STORE_SUFFIX}`)}" }, or remove store.`,
          ),
        );
      }
      continue;
    }
    if (store.volume.length <= MAX_VOLUME_NAME) continue;
    const blame = blameOf(p, derivedName);
    const seen = tooLong.get(blame.path);
    if (!seen || store.volume.length > seen.longest.length)
      tooLong.set(blame.path, { prop: blame.prop, value: blame.value, longest: store.volume });
  }
  for (const [path, { prop, value, longest }] of tooLong) {
    const budget = Math.max(1, value.length - (longest.length - MAX_VOLUME_NAME));
    findings.push(
      error(
        path,
        "names/volume",
        `${prop} ${JSON.stringify(shorten(value))} is ${value.length} characters: the default store volume names built from it reach ${longest.length} characters (e.g. "${shorten(longest)}"), more than the ${MAX_VOLUME_NAME} of Docker's local volume driver (it makes the directory /var/lib/docker/volumes/<name>).`,
        `Set ${prop} to at most ${budget} characters, or set containerName or store.volume on the processes.`,
      ),
    );
  }
  return findings;
}

/** The prop whose length makes a derived volume name too long: the process's containerName, else the cluster's or the set's name. */
function blameOf(p: PlacedProcess, derivedName: boolean): { path: string; prop: string; value: string } {
  if (!derivedName) return { path: p.process.path, prop: "containerName", value: p.process.containerName };
  const cluster = p.cluster.clusterName;
  const rest = p.process.containerName.length - cluster.length - 1;
  if (cluster.length >= rest || p.brokerName === undefined)
    return { path: p.cluster.path, prop: "clusterName", value: cluster };
  return { path: p.process.path.slice(0, p.process.path.lastIndexOf("/")), prop: "brokerName", value: p.brokerName };
}

function nameProblem(name: string): string {
  if (name === "") return "is empty: Docker names every container, and an empty name is refused.";
  if (name.length < 2) return "has one character: Docker needs at least two ([a-zA-Z0-9][a-zA-Z0-9_.-]+).";
  if (!/^[a-zA-Z0-9]/.test(name))
    return `starts with "${name[0]}": Docker names start with a letter or a digit ([a-zA-Z0-9][a-zA-Z0-9_.-]+).`;
  const bad = [...new Set(name.replace(/[a-zA-Z0-9_.-]/g, ""))].map((ch) => JSON.stringify(ch)).join(", ");
  return `contains ${bad}: Docker allows only letters, digits, "_", "." and "-" ([a-zA-Z0-9][a-zA-Z0-9_.-]+).`;
}

function volumeProblem(name: string): string {
  if (name === "")
    return "is empty: no volume would be created and Docker would mount an anonymous volume instead, which is lost with the container (and the commit log with it).";
  if (name.length > MAX_VOLUME_NAME)
    return `is ${name.length} characters: Docker's local volume driver makes the directory /var/lib/docker/volumes/<name>, and a file name has at most ${MAX_VOLUME_NAME}.`;
  return nameProblem(name).replace("Docker names every container", "Docker names every volume");
}

/** A valid Docker name close to `name`: invalid characters become "-", a bad first character is dropped. */
function suggestName(name: string): string {
  const s = name
    .replace(/[^a-zA-Z0-9_.-]+/g, "-")
    .replace(/^[^a-zA-Z0-9]+/, "")
    .slice(0, MAX_VOLUME_NAME - STORE_SUFFIX.length);
  return s.length >= 2 ? s : `rocketmq-${s || "store"}`;
}

function shorten(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

// A Docker image reference (github.com/distribution/reference): [domain[:port]/]path[:tag][@digest], the path in lower case.
const ALNUM = "[a-z0-9]+";
const SEPARATOR = "(?:[._]|__|[-]+)";
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const REFERENCE = new RegExp(`^((?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::${TAG})?(?:@${DIGEST})?$`);

/**
 * The repository of a valid image reference, its tag (undefined: none, Docker's `latest`), and whether it pins a
 * digest.
 */
export function imageTag(image: string): { repository: string; tag?: string; digest: boolean } {
  const repository = REFERENCE.exec(image)?.[1] ?? image;
  const rest = image.slice(repository.length);
  const tag = /^:([^@]+)/.exec(rest)?.[1];
  return { repository, ...(tag !== undefined ? { tag } : {}), digest: rest.includes("@") };
}

/** The image of every cluster of a known version against that version (see imageVersionFinding). */
export function checkImageVersions(topology: TopologyModel): Finding[] {
  return topology.clusters
    .filter((c) => !c.unresolved?.includes("image") && !imageProblem(c.image))
    .map((c) => imageVersionFinding(c.path, c.image, c.version))
    .filter((f): f is Finding => f !== undefined);
}

/**
 * The image of a cluster against its version: a tag naming a RocketMQ release (`5.5.0`, `4.9.8-alpine`) must name the
 * cluster's (the files are written for that release: another one runs them with other keys and defaults); a tag that
 * names none (`latest`, none at all, a digest only) is a warning that says which release the files are for.
 */
function imageVersionFinding(path: string, image: string, version: string): Finding | undefined {
  const { repository, tag, digest } = imageTag(image);
  const release = tag === undefined ? undefined : /^v?([345]\.\d+\.\d+)(?:$|[-_.+])/.exec(tag)?.[1];
  if (release === version) return undefined;
  if (release !== undefined)
    return error(
      path,
      "versions/image",
      `image ${JSON.stringify(image)} runs RocketMQ ${release}, but the cluster's version is ${version}: every file is written for ${version} (its keys, its defaults, its access control), and ${release} would read them.`,
      `Set image to the ${version} build, e.g. image: "${repository}:${version}", or set the cluster's version to ${release} if that is the release you run.`,
    );
  return warning(
    path,
    "versions/image",
    `image ${JSON.stringify(image)} ${tag === undefined ? (digest ? "is pinned by digest only" : "has no tag (Docker takes latest)") : `has the tag ${JSON.stringify(tag)}`}, which names no RocketMQ release: the library cannot check that it runs ${version}, the release every file is written for.`,
    `Use a tag that names the release, e.g. image: "${repository}:${version}" (a digest may follow it).`,
  );
}

/** Why Docker would refuse `image` as an image reference (the rest of a sentence), or undefined. */
export function imageProblem(image: unknown): string | undefined {
  if (typeof image !== "string") return `is a ${image === null ? "null" : typeof image}, not an image reference.`;
  if (image.trim() === "") return "is empty: every container needs an image, and Docker refuses an empty reference.";
  const m = REFERENCE.exec(image);
  if (!m) {
    return REFERENCE.test(image.toLowerCase())
      ? `is not a valid Docker image reference: the repository name must be lower case ("invalid reference format: repository name must be lowercase").`
      : `is not a valid Docker image reference ([registry[:port]/]repository[:tag][@digest], repository in lower case): Docker refuses to pull it ("invalid reference format").`;
  }
  if (m[1].length > 255) return `has a repository name of ${m[1].length} characters: Docker allows at most 255.`;
  return undefined;
}
