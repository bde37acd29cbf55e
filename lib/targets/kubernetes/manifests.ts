/**
 * A process plan as Kubernetes objects, as plain data: one StatefulSet of one pod per process (its own identity, its
 * own claim, its own rollout), its Service, its files in a ConfigMap (and a Secret for what is secret), and per group
 * of peers a PodDisruptionBudget. Pure: no constructs, no provider; the types are Kubernetes' own (generated from its
 * OpenAPI), so that a field the API does not have does not compile.
 */
import * as crypto from "crypto";
import * as path from "path";
import type { StatefulSet } from "kubernetes-types/apps/v1";
import type {
  ConfigMap,
  Container,
  EnvVar,
  PersistentVolumeClaim,
  Secret,
  Service,
  Volume,
  VolumeMount,
} from "kubernetes-types/core/v1";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1";
import { PlanFile, ProcessKind, ProcessPlan } from "../../core/plan";
import { PortUse } from "../../core/ports";
import { BROKER_CONFIG_PATH, PROXY_CONFIG_PATH } from "../../core/render/servers";
import {
  commandWithReset,
  fileFolders,
  IMAGE_LOGS_DIR,
  IMAGE_TMP_DIR,
  imageEnv,
  runsOnReadOnlyRoot,
  shellWord,
} from "../container-image";

/** One object this target applies. */
export type KubernetesObject = ConfigMap | Secret | Service | StatefulSet | PodDisruptionBudget;

/** How clients outside the Kubernetes cluster reach the processes. */
export type ExternalAccess = "hostPort" | "nodePort" | "none";

/** What every object of one host shares: where it goes and how it is reached. */
export interface KubernetesPlacement {
  /** The namespace of every object. */
  readonly namespace: string;
  /** The cluster's DNS domain (`cluster.local`). */
  readonly clusterDomain: string;
  /**
   * `hostPort`: every port of a process is also opened on its node, and a broker or a proxy advertises its node's
   * address (brokerIP1, remotingAccessAddr, from the downward API at pod start): clients outside the cluster dial
   * node:port. `nodePort`: a process's client ports are also node ports of one Service of its own (the same number
   * inside and out), and a broker or a proxy advertises its node's address. `none`: in-cluster addresses only.
   */
  readonly externalAccess: ExternalAccess;
  /** The storage class of the stores' claims; undefined: the cluster's default class. */
  readonly storageClassName?: string;
  /** The size of the claim of a process of this kind (`20Gi`). */
  readonly storeSize: (kind: ProcessKind) => string;
  /** `required`: peers of one group never share a node; `preferred`: the scheduler tries. */
  readonly antiAffinity: "required" | "preferred";
}

/** The node port range of a cluster whose API server sets no `--service-node-port-range`. */
export const DEFAULT_NODE_PORTS = { min: 30000, max: 32767 } as const;
/** The suffix of a process's NodePort Service (`<process>-external`). */
export const EXTERNAL_SERVICE_SUFFIX = "-external";

/** The label every object of the library carries, with the process's name as its value. */
export const INSTANCE_LABEL = "app.kubernetes.io/instance";
/** The label of a group of peers: the pods of one broker set, one controller group, a cluster's name servers. */
export const GROUP_LABEL = "rocketmq.apache.org/group";
/** The StatefulSet's claim template (the claim is `store-<process>-0`). */
export const STORE_TEMPLATE = "store";
/** Where the init container finds the files of the ConfigMap and the Secret. */
export const FILES_SOURCE_DIR = "/rocketmq-cdktf/files";
/**
 * The pre-stop hook's script: SIGTERM to the pod's JVM (found by its name in /proc: the image has no pidof), then wait
 * until it has ended; the shells above it end with it, and so does the pod.
 */
export const STOP_SCRIPT = [
  `pids=""; for p in /proc/[0-9]*; do [ "$(cat "$p/comm" 2>/dev/null)" = java ] && pids="$pids \${p#/proc/}"; done`,
  `[ -n "$pids" ] && kill -TERM $pids`,
  `while [ -n "$pids" ] && kill -0 $pids 2>/dev/null; do sleep 1; done`,
].join("; ");
/** The environment variable that holds the node's address, for a broker that advertises it. */
export const ADVERTISED_IP_ENV = "ROCKETMQ_ADVERTISED_IP";

/** `<process>.<namespace>.svc.<domain>`: the DNS name of a process's Service, its address in the cluster. */
export function processAddress(
  processName: string,
  p: Pick<KubernetesPlacement, "namespace" | "clusterDomain">,
): string {
  return `${processName}.${p.namespace}.svc.${p.clusterDomain}`;
}

/**
 * The ports a client outside the cluster dials: a name server's, a broker's and the console's listenPort, a proxy's
 * remoting and gRPC ports. Not the ports between peers (HA, DLedger, controller), which stay in the cluster, nor a
 * broker's fast channel (listenPort-2), which clients use only with `vipChannelEnabled`.
 */
export function clientPorts(plan: ProcessPlan): PortUse[] {
  const props = CLIENT_PORT_PROPS[plan.kind] ?? [];
  const byPort = new Map<number, PortUse>();
  for (const u of plan.ports)
    if (u.offset === 0 && u.prop !== undefined && props.includes(u.prop) && !byPort.has(u.port)) byPort.set(u.port, u);
  return [...byPort.values()].sort((a, b) => a.port - b.port);
}

const CLIENT_PORT_PROPS: Partial<Record<ProcessKind, readonly string[]>> = {
  [ProcessKind.NAMESRV]: ["listenPort"],
  [ProcessKind.BROKER]: ["listenPort"],
  [ProcessKind.PROXY]: ["remotingListenPort", "grpcServerPort"],
  [ProcessKind.DASHBOARD]: ["listenPort"],
};

/** The claim a StatefulSet of one pod makes from its template: `store-<process>-0`. */
export function storeClaimName(processName: string): string {
  return `${STORE_TEMPLATE}-${processName}-0`;
}

/**
 * The group of peers a process belongs to (anti-affinity, disruption budget): a broker set (`<cluster>.<brokerName>`),
 * the cluster's controllers, name servers, proxies; the console is alone. As a label value (at most 63 characters of
 * `[A-Za-z0-9._-]`, alphanumeric at both ends): kept when it is one, else a readable prefix and a hash.
 */
export function groupOf(plan: ProcessPlan): string | undefined {
  if (plan.kind === ProcessKind.DASHBOARD) return undefined;
  const member = plan.kind === ProcessKind.BROKER ? (plan.labels["rocketmq.brokerName"] ?? plan.kind) : plan.kind;
  return labelValue(`${plan.clusterName}.${member}`);
}

/** A label value for `s`: itself when valid, else its valid characters cut to 52 and a 10-digit hash. */
export function labelValue(s: string): string {
  if (/^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/.test(s)) return s;
  const hash = crypto.createHash("sha256").update(s).digest("hex").slice(0, 10);
  const kept = s
    .replace(/[^A-Za-z0-9._-]/g, "-")
    .slice(0, 52)
    .replace(/^[^A-Za-z0-9]+/, "");
  return kept ? `${kept}-${hash}` : `g-${hash}`;
}

/** The labels of a process's objects; the first two select its pod. */
function labelsOf(plan: ProcessPlan): Record<string, string> {
  const group = groupOf(plan);
  return {
    "app.kubernetes.io/name": "rocketmq",
    [INSTANCE_LABEL]: plan.containerName,
    "app.kubernetes.io/component": plan.kind,
    "app.kubernetes.io/version": labelValue(plan.version),
    "app.kubernetes.io/managed-by": "rocketmq-cdktf",
    "rocketmq.apache.org/cluster": labelValue(plan.clusterName),
    ...(group ? { [GROUP_LABEL]: group } : {}),
  };
}

/** The prefix of a process's identity annotations: `rocketmq.brokerName` is `rocketmq.apache.org/brokerName`. */
export const PROCESS_ANNOTATION_PREFIX = "rocketmq.apache.org/";

/**
 * A process's identity (the plan's labels, the same a Docker container carries: role, cluster, host, brokerName,
 * brokerId or dLegerSelfId, version) as annotations of its StatefulSet, where values are free text: what the change
 * report reads back. On the StatefulSet, not its pod template: a change of one updates the object, it rolls no pod.
 */
function processAnnotations(plan: ProcessPlan): Record<string, string> {
  return Object.fromEntries(
    Object.keys(plan.labels)
      .sort()
      .map((k) => [`${PROCESS_ANNOTATION_PREFIX}${k.replace(/^rocketmq\./, "")}`, plan.labels[k]]),
  );
}

function selectorOf(plan: ProcessPlan): Record<string, string> {
  return { "app.kubernetes.io/name": "rocketmq", [INSTANCE_LABEL]: plan.containerName };
}

/** The key of a file in its ConfigMap or Secret: its base name, or its path with `_` where two share a base name. */
export function fileKeys(plan: ProcessPlan): Map<string, string> {
  const base = (p: string) => path.posix.basename(p);
  const count = new Map<string, number>();
  for (const f of plan.files) count.set(base(f.path), (count.get(base(f.path)) ?? 0) + 1);
  return new Map(
    plan.files.map((f) => [
      f.path,
      count.get(base(f.path)) === 1 ? base(f.path) : f.path.replace(/^\/+/, "").replace(/[^A-Za-z0-9._-]/g, "_"),
    ]),
  );
}

/**
 * True for a process that advertises its node's address to clients outside the cluster (through a host port or a
 * node port): a broker (brokerIP1, in its routes) and a proxy (remotingAccessAddr: a remoting client's route names the
 * proxy at that address).
 */
function advertisesNode(plan: ProcessPlan, p: KubernetesPlacement): boolean {
  return (plan.kind === ProcessKind.BROKER || plan.kind === ProcessKind.PROXY) && p.externalAccess !== "none";
}

/**
 * The init container's line that makes a process advertise its node: a broker's `brokerIP1` appended (the last value
 * of a key wins in a properties file); a proxy's `remotingAccessAddr` replaced in its JSON (keys are unique there).
 */
function advertiseNodeLine(plan: ProcessPlan): string {
  const ip = `$${ADVERTISED_IP_ENV}`;
  if (plan.kind === ProcessKind.PROXY) {
    const key = '\\"remotingAccessAddr\\": \\"';
    return `sed -i "s/${key}[^\\"]*\\"/${key}${ip}\\"/" ${shellWord(PROXY_CONFIG_PATH)}`;
  }
  return `printf '\\nbrokerIP1=%s\\n' "${ip}" >> ${shellWord(BROKER_CONFIG_PATH)}`;
}

/**
 * The init container's script: each file copied from the ConfigMap and the Secret to its path (a secret one readable
 * by the process's user only), and for a process that advertises its node, that node's address written in.
 */
export function filesScript(plan: ProcessPlan, p: KubernetesPlacement): string {
  const keys = fileKeys(plan);
  const lines = ["set -eu"];
  for (const f of [...plan.files].sort((a, b) => a.path.localeCompare(b.path))) {
    const from = `${FILES_SOURCE_DIR}/${keys.get(f.path)!}`;
    lines.push(`cp ${shellWord(from)} ${shellWord(f.path)}`);
    lines.push(`chmod ${keptSecret(f) ? "0600" : "0644"} ${shellWord(f.path)}`);
  }
  if (advertisesNode(plan, p)) lines.push(advertiseNodeLine(plan));
  return lines.join("\n");
}

/** True for a file kept in the process's Secret: a secret one, or one whose settings carry a secret. */
export function keptSecret(f: PlanFile): boolean {
  return f.secret === true || f.embedsSecret === true;
}

/** The ConfigMap of a process's files that are not secret (`<process>-files`). */
export function configMapOf(plan: ProcessPlan, p: KubernetesPlacement): ConfigMap {
  const keys = fileKeys(plan);
  const data: Record<string, string> = {};
  for (const f of plan.files.filter((x) => !keptSecret(x))) data[keys.get(f.path)!] = f.content;
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: `${plan.containerName}-files`, namespace: p.namespace, labels: labelsOf(plan) },
    data: sortedRecord(data),
  };
}

/** The Secret of a process's secret files (`<process>-secret`), or undefined when it has none. */
export function secretOf(plan: ProcessPlan, p: KubernetesPlacement): Secret | undefined {
  const secret = plan.files.filter(keptSecret);
  if (secret.length === 0) return undefined;
  const keys = fileKeys(plan);
  const data: Record<string, string> = {};
  for (const f of secret) data[keys.get(f.path)!] = f.content;
  return {
    apiVersion: "v1",
    kind: "Secret",
    type: "Opaque",
    metadata: { name: `${plan.containerName}-secret`, namespace: p.namespace, labels: labelsOf(plan) },
    stringData: sortedRecord(data),
  };
}

/**
 * The Service of a process, named as the process: a name server's has a virtual IP of its own (a stable address in
 * namesrvAddr whatever pod serves it); the others are headless, their name resolving to the pod itself, published
 * before it is ready (DLedger and controller peers must find each other to become ready).
 */
export function serviceOf(plan: ProcessPlan, p: KubernetesPlacement): Service {
  const stable = plan.kind === ProcessKind.NAMESRV;
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: plan.containerName, namespace: p.namespace, labels: labelsOf(plan) },
    spec: {
      ...(stable ? { type: "ClusterIP" } : { clusterIP: "None", publishNotReadyAddresses: true }),
      selector: selectorOf(plan),
      ports: portsOf(plan).map((port) => ({ name: `tcp-${port}`, port, targetPort: port, protocol: "TCP" })),
    },
  };
}

function portsOf(plan: ProcessPlan): number[] {
  return [...new Set(plan.ports.map((x) => x.port))].sort((a, b) => a - b);
}

/** The digest of what the pod reads at start (its files, its environment): a change rolls the pod. */
function startDigest(plan: ProcessPlan): string {
  const h = crypto.createHash("sha256");
  for (const f of [...plan.files].sort((a, b) => a.path.localeCompare(b.path)))
    h.update(f.path).update("\0").update(f.content).update("\0");
  const env = imageEnv(plan);
  for (const k of Object.keys(env).sort()) h.update(k).update("=").update(env[k]).update("\0");
  return h.digest("hex");
}

/** The StatefulSet of one pod that runs the process. */
export function statefulSetOf(plan: ProcessPlan, p: KubernetesPlacement): StatefulSet {
  const env = imageEnv(plan);
  const readOnly = runsOnReadOnlyRoot(plan.kind);
  const folders = plan.files.length > 0 ? fileFolders(plan) : [];
  const folderVolume = (i: number) => `files-${i}`;
  const ownClaim = plan.store?.volume !== undefined && plan.store.volume !== storeClaimName(plan.containerName);
  const mounts: VolumeMount[] = [
    ...(plan.store ? [{ name: STORE_TEMPLATE, mountPath: plan.store.mountPath }] : []),
    ...folders.map((f, i) => ({ name: folderVolume(i), mountPath: f, readOnly: true })),
    ...(readOnly
      ? [
          { name: "logs", mountPath: IMAGE_LOGS_DIR },
          { name: "tmp", mountPath: IMAGE_TMP_DIR },
        ]
      : []),
  ];
  const secret = secretOf(plan, p);
  const volumes: Volume[] = [
    ...(plan.store && ownClaim
      ? [{ name: STORE_TEMPLATE, persistentVolumeClaim: { claimName: plan.store.volume } }]
      : []),
    ...folders.map((_, i) => ({ name: folderVolume(i), emptyDir: {} })),
    ...(readOnly
      ? [
          { name: "logs", emptyDir: {} },
          { name: "tmp", emptyDir: {} },
        ]
      : []),
    ...(plan.files.length > 0
      ? [
          {
            name: "files-source",
            projected: {
              defaultMode: 0o440,
              sources: [
                { configMap: { name: `${plan.containerName}-files` } },
                ...(secret ? [{ secret: { name: secret.metadata!.name! } }] : []),
              ],
            },
          },
        ]
      : []),
  ];
  const advertised: EnvVar[] = advertisesNode(plan, p)
    ? [{ name: ADVERTISED_IP_ENV, valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } }]
    : [];
  const securityContext = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: readOnly,
    capabilities: { drop: ["ALL"] },
  };
  const init: Container | undefined =
    plan.files.length > 0
      ? {
          name: "files",
          image: plan.image,
          imagePullPolicy: "IfNotPresent",
          command: ["sh", "-c", filesScript(plan, p)],
          env: advertised,
          volumeMounts: [
            { name: "files-source", mountPath: FILES_SOURCE_DIR, readOnly: true },
            ...folders.map((f, i) => ({ name: folderVolume(i), mountPath: f })),
          ],
          securityContext,
        }
      : undefined;
  const memory = `${plan.memoryMb}Mi`;
  const probe = { tcpSocket: { port: plan.healthPort } };
  const server: Container = {
    name: plan.kind,
    image: plan.image,
    imagePullPolicy: "IfNotPresent",
    args: commandWithReset(plan),
    env: [
      ...Object.keys(env)
        .sort()
        .map((name) => ({ name, value: env[name] })),
      ...advertised,
    ],
    ports: portsOf(plan).map((port) => ({
      containerPort: port,
      protocol: "TCP",
      ...(p.externalAccess === "hostPort" ? { hostPort: port } : {}),
    })),
    resources: { requests: { memory }, limits: { memory } },
    startupProbe: { ...probe, periodSeconds: 5, failureThreshold: 60 },
    readinessProbe: { ...probe, periodSeconds: 10, failureThreshold: 3 },
    livenessProbe: { ...probe, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
    volumeMounts: mounts,
    securityContext,
    // The image's first process (its entrypoint, a shell) does not pass SIGTERM on to the JVM, which would run until
    // the grace period ends and be killed: the JVM is signalled first, so that the server runs its shutdown hooks (a
    // broker unregisters, a DLedger leader's peers elect at once), and the pod ends when the JVM has.
    lifecycle: { preStop: { exec: { command: ["sh", "-c", STOP_SCRIPT] } } },
  };
  const group = groupOf(plan);
  const labels = labelsOf(plan);
  const claim: PersistentVolumeClaim | undefined =
    plan.store && !ownClaim
      ? {
          metadata: { name: STORE_TEMPLATE, labels },
          spec: {
            accessModes: ["ReadWriteOnce"],
            ...(p.storageClassName !== undefined ? { storageClassName: p.storageClassName } : {}),
            resources: { requests: { storage: p.storeSize(plan.kind) } },
          },
        }
      : undefined;
  const term = {
    labelSelector: { matchLabels: { [GROUP_LABEL]: group ?? "" } },
    topologyKey: "kubernetes.io/hostname",
  };
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: plan.containerName, namespace: p.namespace, labels, annotations: processAnnotations(plan) },
    spec: {
      replicas: 1,
      serviceName: plan.containerName,
      selector: { matchLabels: selectorOf(plan) },
      updateStrategy: { type: "RollingUpdate" },
      ...(claim
        ? {
            volumeClaimTemplates: [claim],
            // The claim outlives its StatefulSet and its pod: deleting either keeps the commit log.
            persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
          }
        : {}),
      template: {
        metadata: {
          labels,
          annotations: { "rocketmq.apache.org/start-digest": startDigest(plan) },
        },
        spec: {
          securityContext: plan.runAs
            ? {
                runAsNonRoot: true,
                runAsUser: plan.runAs.uid,
                runAsGroup: plan.runAs.gid,
                fsGroup: plan.runAs.gid,
                fsGroupChangePolicy: "OnRootMismatch",
              }
            : {},
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 60,
          ...(group
            ? {
                affinity: {
                  podAntiAffinity:
                    p.antiAffinity === "required"
                      ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
                      : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] },
                },
              }
            : {}),
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: "kubernetes.io/hostname",
              whenUnsatisfiable: "ScheduleAnyway",
              labelSelector: { matchLabels: { "rocketmq.apache.org/cluster": labels["rocketmq.apache.org/cluster"] } },
            },
          ],
          ...(init ? { initContainers: [init] } : {}),
          containers: [server],
          volumes,
        },
      },
    },
  };
}

/**
 * The PodDisruptionBudget of each group of two or more peers: at most as many of them down at once (a node drained)
 * as keeps a raft group's majority (`n - (floor(n/2) + 1)`, at least 1), and one of two (a master and its slave).
 */
export function disruptionBudgets(plans: readonly ProcessPlan[], p: KubernetesPlacement): PodDisruptionBudget[] {
  const groups = new Map<string, ProcessPlan[]>();
  for (const plan of plans) {
    const g = groupOf(plan);
    if (g !== undefined) groups.set(g, [...(groups.get(g) ?? []), plan]);
  }
  return [...groups.entries()]
    .filter(([, members]) => members.length >= 2)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([group, members]) => {
      const n = members.length;
      return {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: {
          name: `${members.map((m) => m.containerName).sort()[0]}-peers`,
          namespace: p.namespace,
          labels: {
            "app.kubernetes.io/name": "rocketmq",
            "app.kubernetes.io/managed-by": "rocketmq-cdktf",
            [GROUP_LABEL]: group,
          },
        },
        spec: {
          maxUnavailable: Math.max(1, n - (Math.floor(n / 2) + 1)),
          selector: { matchLabels: { [GROUP_LABEL]: group } },
        },
      };
    });
}

/**
 * With node ports, the NodePort Service of a process that clients outside dial (`<process>-external`): each client
 * port is also its node port, as a broker advertises one port for inside and out. A broker's and a proxy's route to
 * their own node's address only (`externalTrafficPolicy: Local`: no second hop, and the server sees the client's
 * address, which ACL white lists match); a name server or a console is reached through any node.
 */
export function externalServiceOf(plan: ProcessPlan, p: KubernetesPlacement): Service | undefined {
  const ports = clientPorts(plan);
  if (p.externalAccess !== "nodePort" || ports.length === 0) return undefined;
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: `${plan.containerName}${EXTERNAL_SERVICE_SUFFIX}`,
      namespace: p.namespace,
      labels: labelsOf(plan),
    },
    spec: {
      type: "NodePort",
      externalTrafficPolicy: advertisesNode(plan, p) ? "Local" : "Cluster",
      selector: selectorOf(plan),
      ports: ports.map((u) => ({
        name: `tcp-${u.port}`,
        port: u.port,
        targetPort: u.port,
        nodePort: u.port,
        protocol: "TCP",
      })),
    },
  };
}

/**
 * Every object of one process, in the order they are applied: its files, its Service (and with node ports its
 * NodePort Service), its StatefulSet.
 */
export function processObjects(plan: ProcessPlan, p: KubernetesPlacement): KubernetesObject[] {
  const secret = secretOf(plan, p);
  const external = externalServiceOf(plan, p);
  return [
    ...(plan.files.length > 0 ? [configMapOf(plan, p)] : []),
    ...(secret ? [secret] : []),
    serviceOf(plan, p),
    ...(external ? [external] : []),
    statefulSetOf(plan, p),
  ];
}

function sortedRecord(r: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(r)
      .sort()
      .map((k) => [k, r[k]]),
  );
}
