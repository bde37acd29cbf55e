/**
 * A process plan as the attributes of a docker_container (and its store volume), as plain data.
 * Pure: no constructs, so the mapping is tested on its own and the construct only wires it.
 */
import { ProcessPlan } from "../../core/plan";
import {
  commandWithReset,
  fileFolders,
  IMAGE_LOGS_DIR,
  IMAGE_TMP_DIR,
  imageEnv,
  runsOnReadOnlyRoot,
  shellWord,
} from "../container-image";

/** How the containers of a host are networked (the docker_container `network_mode`). */
export type NetworkMode = "bridge" | "host";

export interface DockerContainerSpec {
  readonly name: string;
  readonly image: string;
  readonly command: string[];
  /** `KEY=value`, sorted. */
  readonly env: string[];
  /** The files uploaded into the container: none on a read-only root, where its init container carries them. */
  readonly upload: { file: string; content: string }[];
  /**
   * The store, the host files the process reads (TLS certificates given by path, read-only at the same path), then,
   * on a read-only root, where the process writes: its logs volume, and /tmp on an anonymous volume (removed with the
   * container).
   */
  readonly volumes: { containerPath: string; volumeName?: string; hostPath?: string; readOnly?: boolean }[];
  /**
   * On a read-only root: the init container whose volumes the server mounts, read-only (`volumes_from`), for the
   * folders of its files (its own store and logs mounts take precedence). Docker copies files into a container only
   * under `/` (the provider's upload) and refuses that on a read-only root, so the init, whose root is writable,
   * receives them into anonymous volumes at their folders; a changed file replaces the init, whose new id replaces
   * the server.
   */
  readonly volumesFrom?: string;
  /** The container's root file system is read-only (`read_only`): the RocketMQ image's servers. */
  readonly readOnly: boolean;
  /** `uid:gid` RocketMQ runs as: the image's user, stated so that it matches the owner of the store; unset: the image's. */
  readonly user?: string;
  readonly networkMode: NetworkMode;
  /**
   * Host port = container port: brokers advertise brokerIP1:listenPort to clients and peers. Empty on the
   * host network, where the process binds the machine's ports itself.
   */
  readonly ports: { internal: number; external: number; protocol: string }[];
  readonly labels: { label: string; value: string }[];
  readonly memory: number;
  /**
   * Memory plus swap, = memory: no swap (a broker that swaps stalls its clients). Written because Docker
   * otherwise sets twice the memory, which the provider reads back as a change on every plan.
   */
  readonly memorySwap: number;
  readonly restart: string;
  readonly healthcheck: { test: string[]; interval: string; timeout: string; retries: number; startPeriod: string };
}

/** The `rocketmq.role` of the one-shot init containers: Docker plumbing, not RocketMQ processes. */
export const INIT_ROLES: readonly string[] = ["store-init", "logs-init"];

/**
 * The resource id of the init container a server on a read-only root mounts its files from (a `volumes` block's
 * `from_container`, `${docker_container.<id>.id}` as synthesized), or undefined.
 */
export function filesFromInit(volumes: unknown): string | undefined {
  const from = (Array.isArray(volumes) ? volumes : []).find(
    (v): v is { from_container: unknown } => typeof v === "object" && v !== null && "from_container" in v,
  );
  return from && /^\$\{docker_container\.([^.}]+)\.id\}$/.exec(String(from.from_container))?.[1];
}

/** The label of a logs volume and of a logs-init container: the container whose logs it holds. */
export const LOGS_OF_LABEL = "rocketmq.logsOf";

/** The named volume of a server's logs on its engine: `<container name>-logs`. It outlives a replaced container. */
export function logsVolumeName(containerName: string): string {
  return `${containerName}-logs`;
}

export function dockerContainerSpec(plan: ProcessPlan, networkMode: NetworkMode): DockerContainerSpec {
  const env = imageEnv(plan);
  const readOnly = runsOnReadOnlyRoot(plan.kind);
  return {
    name: plan.containerName,
    image: plan.image,
    command: commandWithReset(plan),
    env: Object.keys(env)
      .sort()
      .map((k) => `${k}=${env[k]}`),
    upload: readOnly ? [] : uploadOf(plan),
    volumes: [
      ...storeVolumes(plan),
      ...(plan.hostFiles ?? []).map((f) => ({ containerPath: f, hostPath: f, readOnly: true })),
      ...(readOnly ? [logsVolume(plan), { containerPath: IMAGE_TMP_DIR }] : []),
    ],
    ...(readOnly ? { volumesFrom: initName(plan) } : {}),
    readOnly,
    user: plan.runAs ? `${plan.runAs.uid}:${plan.runAs.gid}` : undefined,
    networkMode,
    ports:
      networkMode === "host"
        ? []
        : [...new Set(plan.ports.map((p) => p.port))]
            .sort((a, b) => a - b)
            .map((port) => ({ internal: port, external: port, protocol: "tcp" })),
    labels: labelList(plan.labels),
    memory: plan.memoryMb,
    memorySwap: plan.memoryMb,
    restart: "unless-stopped",
    healthcheck: healthcheck(plan.healthPort),
  };
}

/**
 * A one-shot container that prepares what the server needs before it starts: `<name>-store-init` for a process with
 * a store, `<name>-logs-init` for one without (a proxy).
 *
 * Docker creates a new named volume's root (and a missing host directory) owned by root, unless the image
 * has a directory at the mount path to copy the owner from; the official image has no
 * /home/rocketmq/store, so a broker running as uid 3000 cannot write its store (rocketmq-docker issues 17
 * and 50: the broker exits with code 253), nor /home/rocketmq/logs. This container, as root with no network, stays
 * stopped afterwards; RocketMQ itself never runs as root. It changes the owner only of a directory the library made:
 * - a named volume (the library's docker_volume: the store, the logs): `chown uid:gid <mounts>`;
 * - a host directory: its parent is mounted and the directory made there (`mkdir`, `chmod 0750`, then `chown`:
 *   root changes the mode while it still owns it, no CAP_FOWNER needed); one that exists already is left as it is,
 *   and must be the user's already (else the container says so in its log, `docker logs <name>-store-init`, and
 *   exits 1; the server, which cannot write there, does not start).
 *
 * For a server on a read-only root it also receives the server's files (the provider's `upload`, into anonymous
 * volumes at their folders, root-owned and world-readable as uploads are), which the server mounts read-only.
 */
export interface InitSpec {
  readonly name: string;
  readonly image: string;
  readonly user: string;
  readonly entrypoint: string[];
  readonly command: string[];
  readonly volumes: DockerContainerSpec["volumes"];
  /** The server's files, for a server on a read-only root. */
  readonly upload: DockerContainerSpec["upload"];
  readonly networkMode: "none";
  readonly labels: { label: string; value: string }[];
}

/** The init container of a process, or undefined when it has nothing to prepare (the console). */
export function initSpec(plan: ProcessPlan): InitSpec | undefined {
  if (!plan.runAs) return undefined;
  const readOnly = runsOnReadOnlyRoot(plan.kind);
  if (!plan.store && !readOnly) return undefined;
  const logs = readOnly ? logsVolume(plan) : undefined;
  const owner = `${plan.runAs.uid}:${plan.runAs.gid}`;
  const hostPath = plan.store?.volume === undefined ? plan.store?.hostPath : undefined;
  const handed = [...storeVolumes(plan), ...(logs ? [logs] : [])];
  const made =
    hostPath === undefined
      ? { entrypoint: ["chown"], command: [owner, ...handed.map((v) => v.containerPath)], volumes: handed }
      : madeDirectory(hostPath, owner, logs);
  const role = plan.store ? "store-init" : "logs-init";
  return {
    name: initName(plan),
    image: plan.image,
    user: "0:0",
    ...made,
    volumes: [...made.volumes, ...(readOnly ? fileFolders(plan).map((containerPath) => ({ containerPath })) : [])],
    upload: readOnly ? uploadOf(plan) : [],
    networkMode: "none",
    labels: labelList({
      "rocketmq.cluster": plan.clusterName,
      "rocketmq.host": plan.host.address,
      "rocketmq.role": role,
      [plan.store ? "rocketmq.storeOf" : LOGS_OF_LABEL]: plan.containerName,
    }),
  };
}

/** `<container>-store-init`, or `<container>-logs-init` for a process without a store. */
function initName(plan: ProcessPlan): string {
  return `${plan.containerName}-${plan.store ? "store-init" : "logs-init"}`;
}

function uploadOf(plan: ProcessPlan): DockerContainerSpec["upload"] {
  return plan.files.map((f) => ({ file: f.path, content: f.content }));
}

function logsVolume(plan: ProcessPlan): DockerContainerSpec["volumes"][number] {
  return { containerPath: IMAGE_LOGS_DIR, volumeName: logsVolumeName(plan.containerName) };
}

/** Where the store-init container sees the parent of a host-directory store. */
export const STORE_PARENT_MOUNT = "/rocketmq-store-parent";

/**
 * The store-init of a host directory: the parent mounted, the directory made there and handed to `owner`, or, when it
 * exists, checked to be `owner`'s already (never taken over).
 */
function madeDirectory(
  hostPath: string,
  owner: string,
  logs: DockerContainerSpec["volumes"][number] | undefined,
): Pick<InitSpec, "entrypoint" | "command" | "volumes"> {
  const cut = hostPath.lastIndexOf("/");
  const parent = hostPath.slice(0, cut) || "/";
  const dir = `${STORE_PARENT_MOUNT}/${hostPath.slice(cut + 1)}`;
  const script = [
    // The logs volume is the library's: handed over first, whatever the store directory turns out to be.
    ...(logs ? [`chown ${owner} ${shellWord(logs.containerPath)} || exit 1`] : []),
    `d=${shellWord(dir)}`,
    `if [ -d "$d" ]; then`,
    `  o=$(stat -c %u:%g "$d")`,
    `  [ "$o" = ${owner} ] && exit 0`,
    `  echo ${shellWord(`rocketmq-cdktf: the store directory ${hostPath} exists and is owned by`)} "$o," ${shellWord(`not by ${owner}: the library hands over only directories it makes. If it is this store's, run chown ${owner} ${hostPath} on the machine; else name a directory that does not exist yet.`)} >&2`,
    `  exit 1`,
    `fi`,
    // Mode first, owner last: root changes the mode of a directory it still owns (no CAP_FOWNER needed).
    `mkdir "$d" && chmod 0750 "$d" && chown ${owner} "$d"`,
  ].join("\n");
  return {
    entrypoint: ["sh", "-c"],
    command: [script],
    volumes: [{ containerPath: STORE_PARENT_MOUNT, hostPath: parent }, ...(logs ? [logs] : [])],
  };
}

function storeVolumes(plan: ProcessPlan): DockerContainerSpec["volumes"] {
  if (!plan.store) return [];
  return [
    plan.store.volume
      ? { containerPath: plan.store.mountPath, volumeName: plan.store.volume }
      : { containerPath: plan.store.mountPath, hostPath: plan.store.hostPath },
  ];
}

function labelList(labels: Readonly<Record<string, string>>): { label: string; value: string }[] {
  return Object.keys(labels)
    .sort()
    .map((label) => ({ label, value: labels[label] }));
}

/**
 * TCP probe of the process's own port with bash's /dev/tcp (the official image has bash, no curl).
 * Durations are written as the provider reads them back (Go's `time.Duration.String()`: `1m0s`, not `60s`):
 * another spelling is a difference on every plan, and kreuzwerker/docker 4.6 replaces the container for it.
 */
export function healthcheck(port: number): DockerContainerSpec["healthcheck"] {
  return {
    test: ["CMD", "bash", "-c", `exec 3<>/dev/tcp/127.0.0.1/${port}`],
    interval: goDuration(10_000),
    timeout: goDuration(5_000),
    retries: 6,
    startPeriod: goDuration(60_000),
  };
}

/** A duration in milliseconds as Go's time.Duration.String() prints it: `500ms`, `10s`, `1m0s`, `1h30m0s`. */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
}
