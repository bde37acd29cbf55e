import { cmp, error, Finding, warning } from "../findings";
import { machineOf } from "../machines";
import { ClusterModel, StoreModel, TopologyModel } from "../model";
import { DOCKER_NAME, MAX_VOLUME_NAME } from "./names";
import { checkedProcesses, PlacedProcess } from "./processes";

/**
 * Per machine, a store (named volume or host directory) belongs to one process: two brokers on one store root fail
 * with "Lock failed,MQ already started" (the file lock on <storePathRootDir>/lock), and commit logs in one directory
 * break each other's mapped files. A host directory inside another process's host directory is shared too. Host
 * directories are compared normalised (`/data//a` is `/data/a`); one that is empty, relative, `/` or a system
 * directory is refused first. Container names are unique per Docker engine, the user's own containers included.
 */
export function checkStores(topology: TopologyModel): Finding[] {
  const procs = checkedProcesses(topology);
  const findings: Finding[] = [];
  for (const p of procs) {
    const store = storeOf(p);
    if (store?.hostPath === undefined) continue;
    const problem = hostPathProblem(store.hostPath);
    if (problem) {
      findings.push(
        error(
          p.process.path,
          "stores/host-path",
          `${p.owner} store.hostPath ${JSON.stringify(store.hostPath)} ${problem}`,
          `Set store.hostPath to an absolute directory of its own, e.g. store: { hostPath: "/data/rocketmq/${p.process.containerName}" }, or remove store for a named volume.`,
        ),
      );
    }
  }

  findings.push(...takenDirectoryFindings(topology, procs));

  const byMachine = new Map<string, PlacedProcess[]>();
  for (const p of procs)
    byMachine.set(machineOf(p.process.host), [...(byMachine.get(machineOf(p.process.host)) ?? []), p]);
  const foreignByMachine = foreignNames(topology);
  const derivedClashes = new Map<
    string,
    { later: ClusterModel; earlier: ClusterModel; names: Set<string>; why: string }
  >();

  for (const [machine, list] of byMachine) {
    const sorted = [...list].sort((a, b) => cmp(a.process.path, b.process.path));
    // Container names: one finding per name that several processes (or a user's container) use.
    const byName = new Map<string, PlacedProcess[]>();
    for (const p of sorted) byName.set(p.process.containerName, [...(byName.get(p.process.containerName) ?? []), p]);
    for (const [name, users] of byName) {
      const foreign = foreignByMachine.get(machine)?.get(name);
      if (users.length < 2 && !foreign) continue;
      const clusters = new Set(users.map((u) => u.cluster));
      if (
        !foreign &&
        clusters.size > 1 &&
        users.every((u) => isDefault(u, "containerName")) &&
        new Set(users.map((u) => u.cluster.clusterName)).size === 1
      ) {
        // Two clusters of one clusterName: every default name collides; one finding on the later cluster.
        const byPath = [...clusters].sort((a, b) => cmp(a.path, b.path));
        const key = `${byPath[byPath.length - 1].path}\u0000${byPath[0].path}\u0000${machine}`;
        const clash = derivedClashes.get(key) ?? {
          later: byPath[byPath.length - 1],
          earlier: byPath[0],
          names: new Set<string>(),
          why: oneName(users[users.length - 1]),
        };
        clash.names.add(name);
        derivedClashes.set(key, clash);
        continue;
      }
      const last = users[users.length - 1];
      const label = (u: PlacedProcess) =>
        users.filter((x) => x.owner === u.owner).length > 1 ? `${u.owner} (${u.process.path})` : u.owner;
      const others = [...users.slice(0, -1).map(label), ...(foreign ? [`the docker_container ${foreign}`] : [])];
      findings.push(
        error(
          last.process.path,
          "stores/container-name",
          `${label(last)} and ${others.join(", ")} ${others.length === 1 ? "both" : "all"} use container name "${name}" on host ${machine}: ${oneName(last)}`,
          `Set containerName of ${last.owner} to a name no other container on ${machine} uses, e.g. containerName: "${freeName(name, new Set([...byName.keys(), ...(foreignByMachine.get(machine)?.keys() ?? [])]))}".`,
        ),
      );
    }

    // Stores: one finding per pair of processes that share one.
    const volumes = new Set(sorted.map((p) => storeOf(p)?.volume).filter((v): v is string => v !== undefined));
    for (let i = 0; i < sorted.length; i++) {
      for (let j = 0; j < i; j++) {
        const [a, b] = [sorted[j], sorted[i]];
        const sa = storeOf(a);
        const sb = storeOf(b);
        if (!sa || !sb) continue;
        // Default volumes named after one container name: the container-name finding already says it.
        if (a.process.containerName === b.process.containerName && isDefault(a, "store") && isDefault(b, "store"))
          continue;
        const shared = sharedStore(sa, sb);
        if (!shared) continue;
        // Across clusters, each process is named with its cluster.
        const across = a.cluster !== b.cluster;
        const [nb, na] = across
          ? [`${b.owner} of cluster ${b.cluster.clusterName}`, `${a.owner} of cluster ${a.cluster.clusterName}`]
          : [b.owner, a.owner];
        const fix = ownStoreFix(b, volumes, machine);
        if (shared.nested === undefined) {
          findings.push(
            error(
              b.process.path,
              "stores/shared",
              `${nb} and ${na} both keep their store in ${shared.what} on host ${machine}: the second broker to start fails with "Lock failed,MQ already started" (and commit logs in one folder corrupt each other).`,
              fix,
            ),
          );
        } else if (shared.nested.entry !== undefined) {
          const [inner, outer] = shared.nested.inner === "a" ? [na, nb] : [nb, na];
          findings.push(
            error(
              b.process.path,
              "stores/shared",
              `The store of ${inner} is ${shared.nested.innerPath}, the folder "${shared.nested.entry}" of the store of ${outer} (${shared.nested.outerPath}) on host ${machine}, where RocketMQ keeps that store's own ${shared.nested.entry}: the two servers write their files into each other's (a commit log folder with another store in it fails to load).`,
              fix,
            ),
          );
        } else {
          const [inner, outer] = shared.nested.inner === "a" ? [na, nb] : [nb, na];
          findings.push(
            warning(
              b.process.path,
              "stores/nested",
              `The store of ${inner} (${shared.nested.innerPath}) is inside the store of ${outer} (${shared.nested.outerPath}) on host ${machine}. RocketMQ keeps each store's lock, checkpoint and commit log under the store's own root, so the two do not share files and both start; but whatever is done to the outer store (a restore, a clean-up, a copy, its disk) is done to the inner one too.`,
              `Give each store a folder of its own beside the other, e.g. ${fix.replace(/^Set /, "set ")}`,
            ),
          );
        }
      }
    }
  }
  for (const { later, earlier, names, why } of derivedClashes.values()) {
    findings.push(
      error(
        later.path,
        "stores/container-name",
        `Clusters ${earlier.path} and ${later.path} are both named ${later.clusterName} and place processes on one host, where their default container names collide (${[...names].sort().join(", ")}): ${why}`,
        `Set clusterName of ${later.path} to another name, e.g. clusterName: "${later.clusterName}2", or set containerName on its processes.`,
      ),
    );
  }
  return findings;
}

/**
 * Why one name cannot be used twice on the machine of `p`: a Docker engine's container names, or (where the host runs
 * no container images: a VM) the name of the process's service and folders.
 */
function oneName(p: PlacedProcess): string {
  return p.process.host.containerImages === false
    ? `one machine cannot run two RocketMQ processes with one name (${p.process.host.description ?? "the host"} names each process's service and folders after it).`
    : "one Docker engine cannot run two containers with one name.";
}

/**
 * A store that is, is inside or contains a directory a host of its machine says is taken (takenDirectories): RocketMQ
 * would write among another owner's files, or another owner into the store. One finding per process, with a host
 * directory that is free.
 */
function takenDirectoryFindings(topology: TopologyModel, procs: readonly PlacedProcess[]): Finding[] {
  const taken = new Map<string, { dir: string; host: string }[]>();
  for (const h of topology.hosts)
    for (const d of h.takenDirectories ?? [])
      if (typeof d === "string" && d.startsWith("/"))
        taken.set(machineOf(h), [...(taken.get(machineOf(h)) ?? []), { dir: normaliseHostPath(d), host: h.path }]);
  if (taken.size === 0) return [];
  const out: Finding[] = [];
  for (const p of procs) {
    const store = storeOf(p);
    if (store?.hostPath === undefined || hostPathProblem(store.hostPath)) continue;
    const machine = machineOf(p.process.host);
    const dirs = taken.get(machine) ?? [];
    const own = normaliseHostPath(store.hostPath);
    const hit = dirs.find((t) => relation(own, t.dir) !== undefined);
    if (!hit) continue;
    const used = new Set(
      procs
        .map((q) => storeOf(q)?.hostPath)
        .filter((d): d is string => d !== undefined)
        .map(normaliseHostPath),
    );
    const free = ["/data/rocketmq", "/srv/rocketmq", "/opt/rocketmq/data", "/var/lib/rocketmq-stores"]
      .map((root) => `${root}/${p.process.containerName}`)
      .find((d) => !used.has(d) && dirs.every((t) => relation(d, t.dir) === undefined));
    const dirFix = free
      ? `store: { hostPath: "${free}" }`
      : `store: { hostPath: "<a directory outside ${dirs.map((t) => t.dir).join(", ")}>" }`;
    out.push(
      error(
        p.process.path,
        "stores/taken",
        `${p.owner} keeps its store in ${own}, which ${relation(own, hit.dir)} ${hit.dir}, a directory taken on host ${machine} (takenDirectories of ${hit.host}): RocketMQ would write its commit log, lock and config among another owner's files, or that owner into the store.`,
        p.process.host.namedVolumes === false
          ? `Set store of ${p.owner} to a directory outside every taken one, e.g. ${dirFix}.`
          : `Remove store from ${p.owner} (its default is a named volume, no directory of the machine), or set ${dirFix}.`,
      ),
    );
  }
  return out;
}

/** How the directory `a` stands to `b`: "is", "is inside", "contains", or undefined when apart. */
function relation(a: string, b: string): string | undefined {
  if (a === b) return "is";
  if (a.startsWith(b === "/" ? "/" : `${b}/`)) return "is inside";
  if (b.startsWith(a === "/" ? "/" : `${a}/`)) return "contains";
  return undefined;
}

function storeOf(p: PlacedProcess): StoreModel | undefined {
  return "store" in p.process ? p.process.store : undefined;
}

function isDefault(p: PlacedProcess, prop: "containerName" | "store"): boolean {
  return p.process.defaults?.includes(prop) ?? false;
}

/** Names of the user's own containers, by machine. */
function foreignNames(topology: TopologyModel): Map<string, Map<string, string>> {
  const hosts = new Map(topology.hosts.map((h) => [h.path, h]));
  const out = new Map<string, Map<string, string>>();
  for (const c of topology.foreign ?? []) {
    const host = hosts.get(c.hostPath);
    if (!host || c.name === undefined) continue;
    const m = out.get(machineOf(host)) ?? new Map<string, string>();
    m.set(c.name, c.path);
    out.set(machineOf(host), m);
  }
  return out;
}

/** `name-2`, `name-3`, ...: the first that is not taken. Bounded by the number of taken names. */
function freeName(name: string, taken: ReadonlySet<string>): string {
  for (let i = 2; i <= taken.size + 2; i++) if (!taken.has(`${name}-${i}`)) return `${name}-${i}`;
  return `${name}-${taken.size + 3}`;
}

/**
 * The fix that gives `p` a store of its own: on a host with named volumes, a volume; on one without (a VM), a host
 * directory of its own (its default, under the target's store folder, is one).
 */
function ownStoreFix(p: PlacedProcess, volumes: ReadonlySet<string>, machine: string): string {
  if (p.process.host.namedVolumes === false) {
    const dir = `/data/rocketmq/${p.process.containerName}`;
    return `Set store of ${p.owner} to a host directory of its own, e.g. store: { hostPath: "${dir}" }, or remove store (its default is a directory of its own on ${machine}).`;
  }
  const own = `${p.process.containerName}-store`;
  return volumes.has(own)
    ? `Set store of ${p.owner} to a volume or host directory of its own, e.g. store: { volume: "${freeName(own, volumes)}" }.`
    : `Remove store from ${p.owner} (its default is a volume of its own, "${own}"), or set store: { volume: "${own}" }.`;
}

/**
 * The folders RocketMQ keeps in a store root (StorePathConfigHelper, the broker's config and timer stores, DLedger's
 * `dledger-<selfId>`): a store root at one of them, inside another store, puts its files among that store's own.
 */
const STORE_ENTRIES = new Set([
  "abort",
  "batchconsumequeue",
  "brokerIdentity",
  "checkpoint",
  "commitlog",
  "config",
  "consumequeue",
  "consumequeue_ext",
  "epochFileCheckpoint",
  "index",
  "lock",
  "rdb",
  "timercheck",
  "timerlog",
  "timermetrics",
  "timerwheel",
  "transaction",
]);

function storeEntry(name: string): string | undefined {
  return STORE_ENTRIES.has(name) || /^(dledger-|rocksdb)/.test(name) ? name : undefined;
}

interface SharedStore {
  readonly what: string;
  /** Two host directories, one inside the other: which is inside, and the folder of the outer root it is in. */
  readonly nested?: { inner: "a" | "b"; innerPath: string; outerPath: string; entry?: string };
}

function sharedStore(a: StoreModel, b: StoreModel): SharedStore | undefined {
  // A volume name or host directory that is refused (names/volume, stores/host-path) is reported there, once.
  if (
    a.volume !== undefined &&
    b.volume !== undefined &&
    DOCKER_NAME.test(a.volume) &&
    a.volume.length <= MAX_VOLUME_NAME &&
    a.volume === b.volume
  )
    return { what: `volume "${a.volume}"` };
  if (
    a.hostPath !== undefined &&
    b.hostPath !== undefined &&
    !hostPathProblem(a.hostPath) &&
    !hostPathProblem(b.hostPath)
  ) {
    const pa = normaliseHostPath(a.hostPath);
    const pb = normaliseHostPath(b.hostPath);
    if (pa === pb) return { what: `host directory ${pa}` };
    const nested = (inner: "a" | "b", innerPath: string, outerPath: string) => ({
      what: `host directory ${pa} / ${pb}`,
      nested: { inner, innerPath, outerPath, entry: storeEntry(innerPath.slice(outerPath.length + 1).split("/")[0]) },
    });
    if (pb.startsWith(pa + "/")) return nested("b", pb, pa);
    if (pa.startsWith(pb + "/")) return nested("a", pa, pb);
  }
  return undefined;
}

/**
 * A POSIX host path as the file system sees it: `//` and `/./` are one `/`, `..` goes up (never above `/`), no trailing
 * `/`. Anything else (a relative or Windows path) is returned unchanged.
 */
export function normaliseHostPath(path: string): string {
  if (typeof path !== "string" || !path.startsWith("/")) return path;
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return "/" + out.join("/");
}

/**
 * Directories of a Linux machine whose contents the system runs or trusts (the Filesystem Hierarchy Standard's, the
 * container runtimes' state, the Docker socket's folder): a store there, or anywhere below, would let the user RocketMQ
 * runs as write where root reads programs, configuration or schedules (`/etc/cron.d`, `/etc/systemd/system`,
 * `/usr/local/bin`, `/var/lib/docker`). Refused with everything below them.
 */
const SYSTEM_TREES = [
  "/bin",
  "/boot",
  "/dev",
  "/etc",
  "/lib",
  "/lib32",
  "/lib64",
  "/libx32",
  "/proc",
  "/root",
  "/run",
  "/sbin",
  "/sys",
  "/usr",
  "/var/run",
  "/var/spool",
  "/var/lib/docker",
  "/var/lib/containerd",
  "/var/lib/kubelet",
  "/var/lib/systemd",
  "/var/lib/dpkg",
  "/var/lib/apt",
  "/var/lib/cloud",
];

/**
 * Top-level directories that hold other people's data (homes, mount points, the machine's variable data): refused
 * themselves (the store would take the whole directory over), allowed below (`/data/rocketmq`, `/mnt/disk1/rocketmq`,
 * `/srv/rocketmq`).
 */
const SHARED_ROOTS = new Set(["/home", "/media", "/mnt", "/opt", "/srv", "/tmp", "/var", "/var/lib", "/var/log"]);

/** The system tree `path` (normalised) is in, or undefined. */
function systemTreeOf(normal: string): string | undefined {
  return SYSTEM_TREES.find((t) => normal === t || normal.startsWith(`${t}/`));
}

/** Why a host directory cannot hold a store (the rest of the sentence), or undefined when it can. */
export function hostPathProblem(path: unknown): string | undefined {
  if (typeof path !== "string") return `is a ${path === null ? "null" : typeof path}, not a path.`;
  if (path.trim() === "")
    return `is empty: the container would get an anonymous volume instead, and the store would be lost with the container.`;
  if (path.trim() !== path) return `has blanks around it, which Docker keeps as part of the directory name.`;
  if (/^[A-Za-z]:[\\/]/.test(path)) return undefined;
  if (!path.startsWith("/")) {
    return `is relative: the docker provider refuses it at plan ("must be an absolute path"), and a directory relative to where Terraform runs would not name one place on the host anyway.`;
  }
  const normal = normaliseHostPath(path);
  if (normal === "/")
    return `is the machine's root directory${path !== "/" ? ` (${path} normalised)` : ""}: it holds every other directory, and the store-init container would hand / to the user RocketMQ runs as.`;
  const tree = systemTreeOf(normal);
  if (tree !== undefined)
    return `is ${normal === tree ? "the system directory" : "inside the system directory"} ${tree}${normal !== tree ? ` (${normal})` : ""}: the user RocketMQ runs as would own a directory where root reads programs, configuration or schedules, and the machine depends on what is there.`;
  if (SHARED_ROOTS.has(normal))
    return `is the shared directory ${normal}: the store would take it over from everything else kept there.`;
  if (normal.lastIndexOf("/") === 0)
    return `is a top-level directory of the machine: the library makes the store directory in a folder of yours and hands over only that one, so name one inside a data folder.`;
  return undefined;
}
