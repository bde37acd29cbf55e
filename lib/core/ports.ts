/**
 * Every TCP port a RocketMQ process opens, derived the way the servers derive them
 * (see shared/reference/rocketmq/semantics.md §1):
 * - broker: `listenPort`, the fast ("VIP") channel `listenPort - 2` (always opened; slaves use it
 *   to sync metadata from their master), the HA port `listenPort + 1` (4.x always, not opened when
 *   the commit log is DLedger), and for a DLedger member the port of its own id in `dLegerPeers`;
 * - name server: its `listenPort` (9876 by default).
 */
import { BrokerModel, BrokerSetModel, ClusterModel, HostModel, NameServerModel } from "./model";

export interface PortUse {
  readonly port: number;
  /** Name of the port in RocketMQ's words, with its derivation: `haListenPort (listenPort+1)`. */
  readonly purpose: string;
  /** Who opens it, for messages: `broker-a master`, `name server ns28`. */
  readonly owner: string;
  /** Construct path of the owner. */
  readonly path: string;
  readonly host: HostModel;
}

export const DEFAULT_NAMESRV_PORT = 9876;
export const DEFAULT_BROKER_PORT = 10911;
export const DEFAULT_DLEDGER_PORT = 40911;

/** Offsets from listenPort that a master/slave broker binds: fast channel, listenPort, HA. */
export const BROKER_PORT_OFFSETS = [-2, 0, 1] as const;

/** `broker-a master`, `broker-a slave (brokerId 1)`, `broker-c DLedger peer n1`. */
export function describeBroker(set: BrokerSetModel, broker: BrokerModel): string {
  if (broker.dledger) return `${set.brokerName} DLedger peer ${broker.dledger.selfId}`;
  return broker.brokerId === 0 ? `${set.brokerName} master` : `${set.brokerName} slave (brokerId ${broker.brokerId})`;
}

export function describeNameServer(ns: NameServerModel): string {
  return `name server ${lastSegment(ns.path)}`;
}

export function brokerPorts(set: BrokerSetModel, broker: BrokerModel): PortUse[] {
  const owner = describeBroker(set, broker);
  const base = { owner, path: broker.path, host: broker.host };
  const p = broker.listenPort;
  const uses: PortUse[] = [
    { ...base, port: p - 2, purpose: `fast channel (listenPort-2)` },
    { ...base, port: p, purpose: `listenPort` },
  ];
  if (broker.dledger) {
    uses.push({ ...base, port: broker.dledger.port, purpose: `DLedger port (dLegerPeers ${broker.dledger.selfId})` });
  } else {
    uses.push({ ...base, port: p + 1, purpose: `haListenPort (listenPort+1)` });
  }
  return uses;
}

export function nameServerPorts(ns: NameServerModel): PortUse[] {
  return [{ port: ns.listenPort, purpose: "listenPort", owner: describeNameServer(ns), path: ns.path, host: ns.host }];
}

/** Every port of every process of the cluster. */
export function clusterPorts(cluster: ClusterModel): PortUse[] {
  const out: PortUse[] = [];
  for (const ns of cluster.nameServers) out.push(...nameServerPorts(ns));
  for (const set of cluster.brokerSets) for (const b of set.members) out.push(...brokerPorts(set, b));
  return out;
}

function lastSegment(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? path : path.slice(i + 1);
}
