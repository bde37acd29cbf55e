/**
 * One plan per server process: what to run, with which files, environment, store and ports.
 * Target-independent: the Docker target turns a plan into a docker_container, another target
 * could write the same plan into VM user-data. Nothing here is rendered twice.
 */
import { ClusterModel, HostModel, StoreModel, TopologyModel } from "./model";
import { brokerPorts, controllerPorts, nameServerPorts, PortUse, proxyPorts } from "./ports";
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

export type ProcessKind = "namesrv" | "controller" | "broker" | "proxy";

export interface ProcessPlan {
  readonly kind: ProcessKind;
  readonly path: string;
  readonly clusterName: string;
  readonly version: string;
  readonly image: string;
  readonly host: HostModel;
  readonly containerName: string;
  /** Command line run in the image's bin folder (the official image's working directory). */
  readonly command: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Files placed into the container before it starts. */
  readonly files: readonly { readonly path: string; readonly content: string }[];
  /** Where its data lives; none for a stateless proxy. */
  readonly store?: StoreModel;
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

export function planCluster(cluster: ClusterModel): ProcessPlan[] {
  const plans: ProcessPlan[] = [];
  const labels = (kind: ProcessKind, host: HostModel, extra: Record<string, string> = {}) => ({
    "rocketmq.cluster": cluster.clusterName,
    "rocketmq.host": host.address,
    "rocketmq.role": kind,
    "rocketmq.version": cluster.version,
    ...extra,
  });
  const nsPaths = cluster.nameServers.map((ns) => ns.path).sort();
  const controllerPaths = cluster.controllerGroups.flatMap((g) => g.controllers.map((c) => c.path)).sort();
  for (const g of cluster.controllerGroups) {
    for (const c of g.controllers) {
      plans.push({
        kind: "controller",
        path: c.path,
        clusterName: cluster.clusterName,
        version: cluster.version,
        image: cluster.image,
        host: c.host,
        containerName: c.containerName,
        command: ["sh", "mqcontroller", "-c", CONTROLLER_CONFIG_PATH],
        env: jvmEnv(c.jvm),
        files: [{ path: CONTROLLER_CONFIG_PATH, content: renderControllerProperties(cluster, c) }],
        store: c.store,
        ports: controllerPorts(c),
        healthPort: c.port,
        memoryMb: containerMemoryMb(c.jvm),
        startAfter: [],
        labels: labels("controller", c.host, { "rocketmq.controllerDLegerSelfId": c.selfId }),
      });
    }
  }
  for (const p of cluster.proxies) {
    plans.push({
      kind: "proxy",
      path: p.path,
      clusterName: cluster.clusterName,
      version: cluster.version,
      image: cluster.image,
      host: p.host,
      containerName: p.containerName,
      command: ["sh", "mqproxy", "-pc", PROXY_CONFIG_PATH],
      env: jvmEnv(p.jvm),
      files: [{ path: PROXY_CONFIG_PATH, content: renderProxyConfig(cluster, p) }],
      ports: proxyPorts(p),
      healthPort: p.remotingListenPort,
      memoryMb: containerMemoryMb(p.jvm),
      startAfter: nsPaths,
      labels: labels("proxy", p.host),
    });
  }
  for (const ns of cluster.nameServers) {
    plans.push({
      kind: "namesrv",
      path: ns.path,
      clusterName: cluster.clusterName,
      version: cluster.version,
      image: cluster.image,
      host: ns.host,
      containerName: ns.containerName,
      command: ["sh", "mqnamesrv", "-c", NAMESRV_CONFIG_PATH],
      env: jvmEnv(ns.jvm),
      files: [{ path: NAMESRV_CONFIG_PATH, content: renderNameServerProperties(cluster, ns) }],
      store: ns.store,
      ports: nameServerPorts(ns),
      healthPort: ns.listenPort,
      memoryMb: containerMemoryMb(ns.jvm),
      startAfter: [],
      labels: labels("namesrv", ns.host),
    });
  }
  for (const set of cluster.brokerSets) {
    for (const b of set.members) {
      plans.push({
        kind: "broker",
        path: b.path,
        clusterName: cluster.clusterName,
        version: cluster.version,
        image: cluster.image,
        host: b.host,
        containerName: b.containerName,
        command: ["sh", "mqbroker", "-c", BROKER_CONFIG_PATH],
        env: jvmEnv(b.jvm),
        files: [{ path: BROKER_CONFIG_PATH, content: renderBrokerProperties(cluster, set, b) }],
        store: b.store,
        ports: brokerPorts(set, b),
        healthPort: b.listenPort,
        memoryMb: containerMemoryMb(b.jvm),
        startAfter: [...nsPaths, ...controllerPaths].sort(),
        labels: labels("broker", b.host, {
          "rocketmq.brokerName": set.brokerName,
          ...(b.dledger ? { "rocketmq.dLegerSelfId": b.dledger.selfId } : set.kind === "controller" ? {} : { "rocketmq.brokerId": String(b.brokerId) }),
        }),
      });
    }
  }
  return plans.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function planTopology(topology: TopologyModel): ProcessPlan[] {
  return topology.clusters.flatMap(planCluster);
}
