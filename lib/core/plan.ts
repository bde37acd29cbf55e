/**
 * One plan per server process: what to run, with which files, environment, store and ports.
 * Target-independent: the Docker target turns a plan into a docker_container, another target
 * could write the same plan into VM user-data. Nothing here is rendered twice.
 */
import { ClusterModel, HostModel, JvmModel, RunAsModel, StoreModel, TopologyModel } from "./model";
import { brokerPorts, controllerPorts, dashboardPorts, nameServerPorts, PortUse, proxyPorts } from "./ports";
import { acl2Databases, PLAIN_ACL_PATH, PLAIN_ACL_PROPERTY, renderPlainAcl } from "./render/acl";
import { dashboardEnv } from "./render/dashboard";
import { tlsHostFiles, tlsServerFiles, tlsUploadedPaths, withTlsOptions } from "./render/tls";
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

/** The kinds of RocketMQ process the library plans. Values are the `rocketmq.role` label's. */
export enum ProcessKind {
  /** A name server (mqnamesrv). */
  NAMESRV = "namesrv",
  /** A standalone controller (mqcontroller, RocketMQ 5). */
  CONTROLLER = "controller",
  /** A broker (mqbroker). */
  BROKER = "broker",
  /** A cluster-mode proxy (mqproxy, RocketMQ 5). */
  PROXY = "proxy",
  /** The console (rocketmq-dashboard). */
  DASHBOARD = "dashboard",
}

/** A file a process reads, at the path the official image's scripts are given. */
export interface PlanFile {
  /** Absolute path in the process's file system, e.g. `/home/rocketmq/conf/broker.properties`. */
  readonly path: string;
  /** The whole content, as RocketMQ reads it. */
  readonly content: string;
  /**
   * The Java system property through which the process finds this file, as a path relative to its ROCKETMQ_HOME
   * (`rocketmq.acl.plain.file`): the target sets it to wherever it put the file.
   * @default none: the command names the file
   */
  readonly systemProperty?: string;
  /**
   * The Java system property that names this file by its absolute path (`tls.config.file`): the target sets it to
   * wherever it put the file.
   * @default none
   */
  readonly absoluteProperty?: string;
  /**
   * The paths of the process's other files that this content names (the TLS files in tls.properties and
   * rmq-proxy.json): a target that puts files elsewhere writes its own path in their place.
   * @default none
   */
  readonly mentions?: string[];
  /**
   * The content as a YAML (and JSON) double-quoted scalar, when it is a Terraform expression whose value may span
   * lines (a PEM from a variable): a target that writes the file into a YAML document writes this instead.
   * @default none: the content is literal text
   */
  readonly yamlScalar?: string;
  /**
   * True when the file holds a secret (an ACL file): a target keeps it readable by the process's user only, and no
   * report shows its content.
   * @default false
   */
  readonly secret?: boolean;
  /**
   * True when the file, a configuration rather than a secret, carries a secret among its settings (ACL 2.0's
   * credentials in broker.properties and rmq-proxy.json): a target that keeps secrets apart from configuration (a
   * Kubernetes Secret, never a ConfigMap) keeps this file with them.
   * @default false
   */
  readonly embedsSecret?: boolean;
}

/**
 * Everything a target needs to run one process, target-neutral: the Docker target turns it into a docker_container,
 * the VM target into a systemd unit of cloud-init user-data. Computed once per synth from the model; nothing here is
 * rendered twice.
 */
export interface ProcessPlan {
  /** Which RocketMQ process. */
  readonly kind: ProcessKind;
  /** Construct path of the process. */
  readonly path: string;
  /** brokerClusterName of its cluster. */
  readonly clusterName: string;
  /** The RocketMQ version its files are written for. */
  readonly version: string;
  /** The container image that runs it (the cluster's; the console's own for a dashboard). */
  readonly image: string;
  /** The host it is placed on. */
  readonly host: HostModel;
  /** Its name on the host: the container name, the unit name. */
  readonly containerName: string;
  /** Command line run in the image's bin folder (the official image's working directory); empty: the image's own. */
  readonly command: string[];
  /** Environment variables (the JVM sizing: `HEAP_OPTS`, `JAVA_OPT_EXT`; the console's `JAVA_OPTS`). */
  readonly env: Readonly<Record<string, string>>;
  /** Files placed into the container before it starts. */
  readonly files: PlanFile[];
  /**
   * Files already on the host that the process reads at the same path (TLS certificates given by path): a container
   * gets each mounted read-only.
   * @default none
   */
  readonly hostFiles?: string[];
  /**
   * Where its data lives.
   * @default none: a stateless process (proxy, dashboard)
   */
  readonly store?: StoreModel;
  /**
   * The user the process runs as; it owns the store.
   * @default the image's own user (the dashboard)
   */
  readonly runAs?: RunAsModel;
  /** Ports the process opens; published on the host at the same number (brokers advertise them). */
  readonly ports: PortUse[];
  /** The port a health check probes (the process's main listening port). */
  readonly healthPort: number;
  /** Memory the process may use in MiB: heap + direct memory + 256 MiB for the rest of the JVM. */
  readonly memoryMb: number;
  /** Paths of the processes that must start first (name servers and controllers before brokers and proxies). */
  readonly startAfter: string[];
  /** Labels that describe the process for operators and the lab. */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * Paths (as the process sees them, inside its store) that a target removes before every start of the process: state
   * the process rebuilds from its files at start, so that the files stay its only source (ACL 2.0's user and ACL
   * databases, rebuilt from plain_acl.yml: a changed secret or permission, or a removed account, takes effect at the
   * next start).
   * @default none
   */
  readonly resetBeforeStart?: string[];
}

/** What every plan of a process shares: identity, image, JVM, store and labels. */
function plan(
  cluster: ClusterModel,
  kind: ProcessKind,
  p: { path: string; host: HostModel; containerName: string; jvm: JvmModel; store?: StoreModel },
  run: { script: string; flag: string; file: string; content: string; embedsSecret?: boolean },
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
    env: withTlsOptions(jvmEnv(p.jvm), cluster.tls),
    files: [
      {
        path: run.file,
        content: run.content,
        ...mentionsIn(run.content, tlsUploadedPaths(cluster.tls)),
        ...(run.embedsSecret ? { embedsSecret: true } : {}),
      },
      ...tlsServerFiles(cluster.path, cluster.version, cluster.tls),
    ],
    ...(tlsHostFiles(cluster.tls).length ? { hostFiles: tlsHostFiles(cluster.tls) } : {}),
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

/** `{ mentions }` of a file whose content names some of `paths`, else nothing. */
function mentionsIn(content: string, paths: readonly string[]): { mentions?: string[] } {
  const named = paths.filter((p) => content.includes(p));
  return named.length ? { mentions: named } : {};
}

export function planCluster(cluster: ClusterModel): ProcessPlan[] {
  const plans: ProcessPlan[] = [];
  const nsPaths = cluster.nameServers.map((ns) => ns.path).sort();
  const controllerPaths = cluster.controllerGroups.flatMap((g) => g.controllers.map((c) => c.path)).sort();
  for (const ns of cluster.nameServers) {
    plans.push(
      plan(
        cluster,
        ProcessKind.NAMESRV,
        ns,
        {
          script: "mqnamesrv",
          flag: "-c",
          file: NAMESRV_CONFIG_PATH,
          content: renderNameServerProperties(cluster, ns),
        },
        { ports: nameServerPorts(ns, cluster.version), healthPort: ns.listenPort, startAfter: [] },
      ),
    );
  }
  for (const g of cluster.controllerGroups) {
    for (const c of g.controllers) {
      plans.push(
        plan(
          cluster,
          ProcessKind.CONTROLLER,
          c,
          {
            script: "mqcontroller",
            flag: "-c",
            file: CONTROLLER_CONFIG_PATH,
            content: renderControllerProperties(cluster, c),
          },
          {
            ports: controllerPorts(c, cluster.version),
            healthPort: c.port,
            startAfter: [],
            labels: { "rocketmq.controllerDLegerSelfId": c.selfId },
          },
        ),
      );
    }
  }
  // One account file for every broker of the cluster: ACL 1.0 reads it, ACL 2.0 migrates it into each broker's store.
  const acl = cluster.accessControl;
  const plainAcl: PlanFile | undefined =
    acl !== undefined
      ? {
          path: PLAIN_ACL_PATH,
          content: renderPlainAcl(cluster, acl),
          systemProperty: PLAIN_ACL_PROPERTY,
          secret: true,
        }
      : undefined;
  for (const set of cluster.brokerSets) {
    for (const b of set.members) {
      const id: Record<string, string> = b.dledger
        ? { "rocketmq.dLegerSelfId": b.dledger.selfId }
        : set.kind === "controller"
          ? {}
          : { "rocketmq.brokerId": String(b.brokerId) };
      const broker = plan(
        cluster,
        ProcessKind.BROKER,
        b,
        {
          script: "mqbroker",
          flag: "-c",
          file: BROKER_CONFIG_PATH,
          content: renderBrokerProperties(cluster, set, b),
          embedsSecret: cluster.accessControl?.version === "2.0",
        },
        {
          ports: brokerPorts(set, b, cluster.version),
          healthPort: b.listenPort,
          startAfter: [...nsPaths, ...controllerPaths].sort(),
          labels: { "rocketmq.brokerName": set.brokerName, ...id },
        },
      );
      plans.push({
        ...broker,
        files: [...broker.files, ...(plainAcl ? [plainAcl] : [])],
        ...(acl?.version === "2.0" ? { resetBeforeStart: acl2Databases(b.store.mountPath) } : {}),
      });
    }
  }
  for (const p of cluster.proxies) {
    plans.push(
      plan(
        cluster,
        ProcessKind.PROXY,
        p,
        {
          script: "mqproxy",
          flag: "-pc",
          file: PROXY_CONFIG_PATH,
          content: renderProxyConfig(cluster, p),
          embedsSecret: cluster.accessControl?.version === "2.0",
        },
        { ports: proxyPorts(p, cluster.version), healthPort: p.remotingListenPort, startAfter: nsPaths },
      ),
    );
  }
  for (const d of cluster.dashboards ?? []) {
    plans.push({
      kind: ProcessKind.DASHBOARD,
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
