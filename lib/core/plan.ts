/**
 * One plan per server process: what to run, with which files, environment, store and ports.
 * Target-independent: the Docker target turns a plan into a docker_container, another target
 * could write the same plan into VM user-data. Nothing here is rendered twice.
 */
import { ClusterModel, HostModel, JvmModel, RunAsModel, StoreModel, TopologyModel } from "./model";
import { brokerPorts, controllerPorts, dashboardPorts, nameServerPorts, PortUse, proxyPorts } from "./ports";
import { dashboardEnv } from "./render/dashboard";
import { containerMemoryMb, jvmEnv } from "./render/jvm";
import {
  BROKER_CONFIG_PATH,
  CONTROLLER_CONFIG_PATH,
  NAMESRV_CONFIG_PATH,
  PROXY_CONFIG_PATH,
  renderBrokerProperties,
  renderControllerProperties,
  renderNameServerProperties,
  renderProxyConfig,
} from "./render/servers";

/** The official image's user `rocketmq` (apache/rocketmq-docker image-build/Dockerfile-ubuntu: uid and gid 3000). */
export const DEFAULT_RUN_AS: RunAsModel = { uid: 3000, gid: 3000 };

export type ProcessKind = "namesrv" | "controller" | "broker" | "proxy" | "dashboard";

export interface ProcessPlan {
  readonly kind: ProcessKind;
  readonly path: string;
  readonly clusterName: string;
  readonly version: string;
  readonly image: string;
  readonly host: HostModel;
  readonly containerName: string;
  /** Command line run in the image's bin folder (the official image's working directory); empty: the image's own. */
  readonly command: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Files placed into the container before it starts. */
  readonly files: readonly { readonly path: string; readonly content: string }[];
  /** Where its data lives; none for a stateless proxy. */
  readonly store?: StoreModel;
  /** The user the process runs as; it owns the store. Undefined: the image's own user (the dashboard). */
  readonly runAs?: RunAsModel;
  /** Ports the process opens; published on the host at the same number (brokers advertise them). */
  readonly ports: readonly PortUse[];
  /** The port a health check probes. */
  readonly healthPort: number;
  readonly memoryMb: number;
  /** Paths of the processes that must start first (name servers and controllers before brokers and proxies). */
  readonly startAfter: readonly string[];
  /** Labels that describe the process for operators and the lab. */
  readonly labels: Readonly<Record<string, string>>;
}

/** What every plan of a process shares: identity, image, JVM, store and labels. */
function plan(
  cluster: ClusterModel,
  kind: ProcessKind,
  p: { path: string; host: HostModel; containerName: string; jvm: JvmModel; store?: StoreModel },
  run: { script: string; flag: string; file: string; content: string },
  rest: { ports: PortUse[]; healthPort: number; startAfter: string[]; labels?: Record<string, string> },
): ProcessPlan {
  return {
    kind,
    path: p.path,
    clusterName: cluster.clusterName,
    version: cluster.version,
    image: cluster.image,
    host: p.host,
    containerName: p.containerName,
    command: ["sh", run.script, run.flag, run.file],
    env: jvmEnv(p.jvm),
    files: [{ path: run.file, content: run.content }],
    store: p.store,
    runAs: cluster.runAs ?? DEFAULT_RUN_AS,
    ports: rest.ports,
    healthPort: rest.healthPort,
    memoryMb: containerMemoryMb(p.jvm),
    startAfter: rest.startAfter,
    labels: {
      "rocketmq.cluster": cluster.clusterName,
      "rocketmq.host": p.host.address,
      "rocketmq.role": kind,
      "rocketmq.version": cluster.version,
      ...rest.labels,
    },
  };
}

export function planCluster(cluster: ClusterModel): ProcessPlan[] {
  const plans: ProcessPlan[] = [];
  const nsPaths = cluster.nameServers.map((ns) => ns.path).sort();
  const controllerPaths = cluster.controllerGroups.flatMap((g) => g.controllers.map((c) => c.path)).sort();
  for (const ns of cluster.nameServers) {
    plans.push(
      plan(
        cluster,
        "namesrv",
        ns,
        {
          script: "mqnamesrv",
          flag: "-c",
          file: NAMESRV_CONFIG_PATH,
          content: renderNameServerProperties(cluster, ns),
        },
        { ports: nameServerPorts(ns), healthPort: ns.listenPort, startAfter: [] },
      ),
    );
  }
  for (const g of cluster.controllerGroups) {
    for (const c of g.controllers) {
      plans.push(
        plan(
          cluster,
          "controller",
          c,
          {
            script: "mqcontroller",
            flag: "-c",
            file: CONTROLLER_CONFIG_PATH,
            content: renderControllerProperties(cluster, c),
          },
          {
            ports: controllerPorts(c),
            healthPort: c.port,
            startAfter: [],
            labels: { "rocketmq.controllerDLegerSelfId": c.selfId },
          },
        ),
      );
    }
  }
  for (const set of cluster.brokerSets) {
    for (const b of set.members) {
      const id: Record<string, string> = b.dledger
        ? { "rocketmq.dLegerSelfId": b.dledger.selfId }
        : set.kind === "controller"
          ? {}
          : { "rocketmq.brokerId": String(b.brokerId) };
      plans.push(
        plan(
          cluster,
          "broker",
          b,
          {
            script: "mqbroker",
            flag: "-c",
            file: BROKER_CONFIG_PATH,
            content: renderBrokerProperties(cluster, set, b),
          },
          {
            ports: brokerPorts(set, b),
            healthPort: b.listenPort,
            startAfter: [...nsPaths, ...controllerPaths].sort(),
            labels: { "rocketmq.brokerName": set.brokerName, ...id },
          },
        ),
      );
    }
  }
  for (const p of cluster.proxies) {
    plans.push(
      plan(
        cluster,
        "proxy",
        p,
        { script: "mqproxy", flag: "-pc", file: PROXY_CONFIG_PATH, content: renderProxyConfig(cluster, p) },
        { ports: proxyPorts(p), healthPort: p.remotingListenPort, startAfter: nsPaths },
      ),
    );
  }
  for (const d of cluster.dashboards ?? []) {
    plans.push({
      kind: "dashboard",
      path: d.path,
      clusterName: cluster.clusterName,
      version: cluster.version,
      image: d.image,
      host: d.host,
      containerName: d.containerName,
      command: [],
      env: dashboardEnv(cluster, d),
      files: [],
      ports: dashboardPorts(d),
      healthPort: d.listenPort,
      memoryMb: d.jvm.heapMb + 256,
      startAfter: nsPaths,
      labels: {
        "rocketmq.cluster": cluster.clusterName,
        "rocketmq.host": d.host.address,
        "rocketmq.role": "dashboard",
        "rocketmq.version": cluster.version,
      },
    });
  }
  return plans.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function planTopology(topology: TopologyModel): ProcessPlan[] {
  return topology.clusters.flatMap(planCluster);
}
