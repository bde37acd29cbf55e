/**
 * A process plan as the attributes of a docker_container (and its store volume), as plain data.
 * Pure: no constructs, so the mapping is tested on its own and the construct only wires it.
 */
import * as path from "path";
import { ProcessPlan } from "../../core/plan";

/** How the containers of a host are networked (the docker_container `network_mode`). */
export type NetworkMode = "bridge" | "host";

export interface DockerContainerSpec {
  readonly name: string;
  readonly image: string;
  readonly command: string[];
  /** `KEY=value`, sorted. */
  readonly env: string[];
  readonly upload: { file: string; content: string }[];
  /** The store, then the host files the process reads (TLS certificates given by path), read-only at the same path. */
  readonly volumes: { containerPath: string; volumeName?: string; hostPath?: string; readOnly?: boolean }[];
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

/** ROCKETMQ_HOME in the official image (Dockerfile-ubuntu: `/home/rocketmq/rocketmq-${ROCKETMQ_VERSION}`). */
export function imageRocketMqHome(version: string): string {
  return `/home/rocketmq/rocketmq-${version}`;
}

/**
 * The plan's environment, with the system properties that name its files (relative to the image's ROCKETMQ_HOME, or
 * absolute) appended to `JAVA_OPT_EXT`, which the image's scripts put last on the java command line.
 */
function containerEnv(plan: ProcessPlan): Record<string, string> {
  const home = imageRocketMqHome(plan.version);
  const props = [
    ...plan.files
      .filter((f) => f.systemProperty !== undefined)
      .map((f) => `-D${f.systemProperty}=${path.posix.relative(home, f.path)}`),
    ...plan.files.filter((f) => f.absoluteProperty !== undefined).map((f) => `-D${f.absoluteProperty}=${f.path}`),
  ];
  if (props.length === 0) return plan.env;
  return { ...plan.env, JAVA_OPT_EXT: [plan.env.JAVA_OPT_EXT, ...props].filter(Boolean).join(" ") };
}

/**
 * The plan's command, preceded by the removal of what it resets before every start: `sh -c 'rm -rf -- <paths> && exec
 * "$0" "$@"' <command>`, so that the command itself is passed through untouched. Paths are single-quoted.
 */
function withReset(plan: ProcessPlan): string[] {
  const paths = plan.resetBeforeStart ?? [];
  if (paths.length === 0) return [...plan.command];
  const quoted = paths.map((p) => `'${p.replace(/'/g, "'\\''")}'`).join(" ");
  return ["sh", "-c", `rm -rf -- ${quoted} && exec "$0" "$@"`, ...plan.command];
}

export function dockerContainerSpec(plan: ProcessPlan, networkMode: NetworkMode): DockerContainerSpec {
  const env = containerEnv(plan);
  return {
    name: plan.containerName,
    image: plan.image,
    command: withReset(plan),
    env: Object.keys(env)
      .sort()
      .map((k) => `${k}=${env[k]}`),
    upload: plan.files.map((f) => ({ file: f.path, content: f.content })),
    volumes: [
      ...storeVolumes(plan),
      ...(plan.hostFiles ?? []).map((f) => ({ containerPath: f, hostPath: f, readOnly: true })),
    ],
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
 * A one-shot container that hands the store to the user RocketMQ runs as, before the server starts.
 *
 * Docker creates a new named volume's root (and a missing host directory) owned by root, unless the image
 * has a directory at the mount path to copy the owner from; the official image has no
 * /home/rocketmq/store, so a broker running as uid 3000 cannot write its store (rocketmq-docker issues 17
 * and 50: the broker exits with code 253). This container, as root with no network, stays stopped afterwards;
 * RocketMQ itself never runs as root. It changes the owner only of a directory the library made:
 * - a named volume (the library's docker_volume): `chown uid:gid <mount>`;
 * - a host directory: its parent is mounted and the directory made there (`mkdir`, `chmod 0750`, then `chown`:
 *   root changes the mode while it still owns it, no CAP_FOWNER needed); one that exists already is left as it is,
 *   and must be the user's already (else the container says so in its log, `docker logs <name>-store-init`, and
 *   exits 1; the server, which cannot write there, does not start).
 */
export interface StoreInitSpec {
  readonly name: string;
  readonly image: string;
  readonly user: string;
  readonly entrypoint: string[];
  readonly command: string[];
  readonly volumes: DockerContainerSpec["volumes"];
  readonly networkMode: "none";
  readonly labels: { label: string; value: string }[];
}

export function storeInitSpec(plan: ProcessPlan): StoreInitSpec | undefined {
  if (!plan.store || !plan.runAs) return undefined;
  const owner = `${plan.runAs.uid}:${plan.runAs.gid}`;
  const hostPath = plan.store.volume === undefined ? plan.store.hostPath : undefined;
  const made =
    hostPath === undefined
      ? { entrypoint: ["chown"], command: [owner, plan.store.mountPath], volumes: storeVolumes(plan) }
      : madeDirectory(hostPath, owner);
  return {
    name: `${plan.containerName}-store-init`,
    image: plan.image,
    user: "0:0",
    ...made,
    networkMode: "none",
    labels: labelList({
      "rocketmq.cluster": plan.clusterName,
      "rocketmq.host": plan.host.address,
      "rocketmq.role": "store-init",
      "rocketmq.storeOf": plan.containerName,
    }),
  };
}

/** Where the store-init container sees the parent of a host-directory store. */
export const STORE_PARENT_MOUNT = "/rocketmq-store-parent";

/**
 * The store-init of a host directory: the parent mounted, the directory made there and handed to `owner`, or, when it
 * exists, checked to be `owner`'s already (never taken over).
 */
function madeDirectory(hostPath: string, owner: string): Pick<StoreInitSpec, "entrypoint" | "command" | "volumes"> {
  const cut = hostPath.lastIndexOf("/");
  const parent = hostPath.slice(0, cut) || "/";
  const dir = `${STORE_PARENT_MOUNT}/${hostPath.slice(cut + 1)}`;
  const script = [
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
    volumes: [{ containerPath: STORE_PARENT_MOUNT, hostPath: parent }],
  };
}

/** A word for sh: single-quoted. */
function shellWord(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
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
