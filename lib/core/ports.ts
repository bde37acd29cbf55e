/**
 * Every TCP port a RocketMQ process opens, derived the way the servers derive them
 * (see shared/reference/rocketmq/semantics.md §1):
 * - broker: `listenPort`, the fast ("VIP") channel `listenPort - 2` (always opened; slaves use it
 *   to sync metadata from their master), the HA port `listenPort + 1` (not opened when the commit log is DLedger, nor
 *   from 5.0.0 with `duplicationEnable=true`: DefaultMessageStore then makes no HA service), and for a DLedger member
 *   the port of its own id in `dLegerPeers`;
 * - name server: its `listenPort` (9876 by default);
 * - any 5.x server whose settings say `metricsExporterType=PROM`: the Prometheus exporter's
 *   `metricsPromExporterPort` (5557 by default).
 */
import {
  BrokerModel,
  BrokerSetModel,
  ClusterModel,
  ControllerModel,
  DashboardModel,
  HostModel,
  NameServerModel,
  ProxyModel,
} from "./model";
import { PropertySection } from "./versions/check-properties";
import { catalogueFor, keySpec, parseVersion, versionAtLeast } from "./versions/catalogue";

/** One TCP port a process opens, with where it comes from. */
export interface PortUse {
  /** The port number. */
  readonly port: number;
  /** Name of the port in RocketMQ's words, with its derivation: `haListenPort (listenPort+1)`. */
  readonly purpose: string;
  /** Who opens it, for messages: `broker-a master`, `name server ns28`. */
  readonly owner: string;
  /** Construct path of the owner. */
  readonly path: string;
  /** The host the owner is placed on. */
  readonly host: HostModel;
  /**
   * The construct prop that sets the port (`listenPort`, `haListenPort`, `dLegerPort`, `port`, ...).
   * @default none: a port of the user's own container
   */
  readonly prop?: string;
  /**
   * The port's offset from the value of `prop` (listenPort-2: -2).
   * @default 0
   */
  readonly offset?: number;
  /**
   * The cluster of the owner, for messages about collisions across clusters.
   * @default none
   */
  readonly cluster?: string;
  /**
   * True for a port the user's own container publishes (not one of the library's processes).
   * @default false
   */
  readonly foreign?: boolean;
}

export const DEFAULT_NAMESRV_PORT = 9876;
export const DEFAULT_BROKER_PORT = 10911;
export const DEFAULT_DLEDGER_PORT = 40911;
/** The official controller examples use 9878, 9868, 9858. */
export const DEFAULT_CONTROLLER_PORT = 9878;
export const DEFAULT_PROXY_REMOTING_PORT = 8080;
export const DEFAULT_PROXY_GRPC_PORT = 8081;
/** server.port in rocketmq-dashboard's application.yml. */
export const DEFAULT_DASHBOARD_PORT = 8082;

/** Offsets from listenPort that a master/slave broker binds: fast channel, listenPort, HA. */
export const BROKER_PORT_OFFSETS = [-2, 0, 1] as const;

/** `broker-a master`, `broker-a slave-1 (brokerId 1)`, `broker-c DLedger peer n1`: unique within a set. */
export function describeBroker(set: BrokerSetModel, broker: BrokerModel): string {
  if (broker.dledger) return `${set.brokerName} DLedger peer ${broker.dledger.selfId}`;
  if (set.kind === "controller") return `${set.brokerName} replica ${lastSegment(broker.path)}`;
  return broker.brokerRole === "SLAVE"
    ? `${set.brokerName} ${lastSegment(broker.path)} (brokerId ${broker.brokerId})`
    : `${set.brokerName} master`;
}

export function describeNameServer(ns: NameServerModel): string {
  return `name server ${lastSegment(ns.path)}`;
}

/** A boolean setting as RocketMQ reads it (Boolean.parseBoolean of the text: "true" in any case). */
function isTrue(v: unknown): boolean {
  return String(v).trim().toLowerCase() === "true";
}

/**
 * The Prometheus exporter's port of a process whose own settings switch it on (`metricsExporterType=PROM`, or 2, its
 * number), in a version whose `section` reads the key: `metricsPromExporterPort`, or that key's default.
 */
function metricsPorts(
  version: string,
  section: PropertySection,
  props: Readonly<Record<string, unknown>>,
  base: Pick<PortUse, "owner" | "path" | "host">,
): PortUse[] {
  const type = props.metricsExporterType;
  if (!(type === "PROM" || type === 2 || type === "2")) return [];
  let spec;
  try {
    spec = keySpec(catalogueFor(version), section, "metricsPromExporterPort");
  } catch {
    return [];
  }
  if (!spec) return [];
  const given = Number(props.metricsPromExporterPort);
  const port = props.metricsPromExporterPort !== undefined && Number.isInteger(given) ? given : Number(spec.default);
  return [
    {
      ...base,
      port,
      purpose: "metricsPromExporterPort (metricsExporterType=PROM)",
      prop: "properties.metricsPromExporterPort",
      offset: 0,
    },
  ];
}

export function brokerPorts(set: BrokerSetModel, broker: BrokerModel, version: string): PortUse[] {
  const owner = describeBroker(set, broker);
  const base = { owner, path: broker.path, host: broker.host };
  const p = broker.listenPort;
  const uses: PortUse[] = [
    { ...base, port: p - 2, purpose: `fast channel (listenPort-2)`, prop: "listenPort", offset: -2 },
    { ...base, port: p, purpose: `listenPort`, prop: "listenPort", offset: 0 },
  ];
  if (broker.dledger) {
    uses.push({
      ...base,
      port: broker.dledger.port,
      purpose: `DLedger port (dLegerPeers ${broker.dledger.selfId})`,
      prop: "dLegerPort",
      offset: 0,
    });
  } else if (
    isTrue(broker.extraProperties.duplicationEnable) &&
    parseVersion(version) !== undefined &&
    versionAtLeast(version, "5.0.0")
  ) {
    // No HA service, no HA port.
  } else if (broker.haListenPort !== undefined) {
    uses.push({ ...base, port: broker.haListenPort, purpose: `haListenPort`, prop: "haListenPort", offset: 0 });
  } else {
    uses.push({ ...base, port: p + 1, purpose: `haListenPort (listenPort+1)`, prop: "listenPort", offset: 1 });
  }
  return [...uses, ...metricsPorts(version, "broker", broker.extraProperties, base)];
}

export function nameServerPorts(ns: NameServerModel, version: string): PortUse[] {
  const base = { owner: describeNameServer(ns), path: ns.path, host: ns.host };
  const uses: PortUse[] = [{ ...base, port: ns.listenPort, purpose: "listenPort", prop: "listenPort", offset: 0 }];
  if (ns.controller)
    uses.push({
      ...base,
      port: ns.controller.port,
      purpose: `controller port (controllerDLegerPeers ${ns.controller.selfId})`,
      prop: "port",
      offset: 0,
    });
  return [...uses, ...metricsPorts(version, "namesrv", ns.extraProperties, base)];
}

export function controllerPorts(c: ControllerModel, version: string): PortUse[] {
  const base = { owner: `controller ${c.selfId}`, path: c.path, host: c.host };
  return [
    {
      ...base,
      port: c.port,
      purpose: `controller port (controllerDLegerPeers ${c.selfId})`,
      prop: "port",
      offset: 0,
    },
    ...metricsPorts(version, "controller", c.extraProperties, base),
  ];
}

export function proxyPorts(p: ProxyModel, version: string): PortUse[] {
  const base = { owner: `proxy ${lastSegment(p.path)}`, path: p.path, host: p.host };
  return [
    { ...base, port: p.remotingListenPort, purpose: "remotingListenPort", prop: "remotingListenPort", offset: 0 },
    { ...base, port: p.grpcServerPort, purpose: "grpcServerPort", prop: "grpcServerPort", offset: 0 },
    ...metricsPorts(version, "proxy", p.extraProperties, base),
  ];
}

export function dashboardPorts(d: DashboardModel): PortUse[] {
  return [
    {
      port: d.listenPort,
      purpose: "server.port (dashboard)",
      owner: `dashboard ${lastSegment(d.path)}`,
      path: d.path,
      host: d.host,
      prop: "listenPort",
      offset: 0,
    },
  ];
}

/** Every port of every process of the cluster, each marked with the cluster's name. */
export function clusterPorts(cluster: ClusterModel): PortUse[] {
  const out: PortUse[] = [];
  const v = cluster.version;
  for (const ns of cluster.nameServers) out.push(...nameServerPorts(ns, v));
  for (const set of cluster.brokerSets) for (const b of set.members) out.push(...brokerPorts(set, b, v));
  for (const g of cluster.controllerGroups) for (const c of g.controllers) out.push(...controllerPorts(c, v));
  for (const p of cluster.proxies) out.push(...proxyPorts(p, v));
  for (const d of cluster.dashboards ?? []) out.push(...dashboardPorts(d));
  return out.map((u) => ({ ...u, cluster: cluster.clusterName }));
}

function lastSegment(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? path : path.slice(i + 1);
}
