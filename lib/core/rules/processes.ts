import {
  BrokerModel,
  ClusterModel,
  ControllerModel,
  DashboardModel,
  NameServerModel,
  ProxyModel,
  TopologyModel,
} from "../model";
import { describeBroker, describeNameServer } from "../ports";

export interface PlacedProcess {
  readonly cluster: ClusterModel;
  readonly process: BrokerModel | NameServerModel | ControllerModel | ProxyModel | DashboardModel;
  /** For messages: `broker-a master`, `name server ns28`. */
  readonly owner: string;
  readonly kind: "namesrv" | "broker" | "controller" | "proxy" | "dashboard";
  readonly brokerName?: string;
}

/** Every server process of the topology, each with a readable owner name. */
export function allProcesses(topology: TopologyModel): PlacedProcess[] {
  const out: PlacedProcess[] = [];
  for (const cluster of topology.clusters) {
    for (const ns of cluster.nameServers)
      out.push({ cluster, process: ns, owner: describeNameServer(ns), kind: "namesrv" });
    for (const set of cluster.brokerSets) {
      for (const b of set.members)
        out.push({ cluster, process: b, owner: describeBroker(set, b), brokerName: set.brokerName, kind: "broker" });
    }
    for (const g of cluster.controllerGroups)
      for (const c of g.controllers)
        out.push({ cluster, process: c, owner: `controller ${c.selfId}`, kind: "controller" });
    for (const p of cluster.proxies)
      out.push({ cluster, process: p, owner: `proxy ${p.path.slice(p.path.lastIndexOf("/") + 1)}`, kind: "proxy" });
    for (const d of cluster.dashboards ?? [])
      out.push({
        cluster,
        process: d,
        owner: `dashboard ${d.path.slice(d.path.lastIndexOf("/") + 1)}`,
        kind: "dashboard",
      });
  }
  return out;
}

/**
 * The processes whose props their construct accepted. A process whose props were refused (`unchecked`) is left out of
 * the rules that compare processes, so that one mistake gives one error, where it was made.
 */
export function checkedProcesses(topology: TopologyModel): PlacedProcess[] {
  return allProcesses(topology).filter((p) => !p.process.unchecked);
}

/** Paths of the processes whose props were refused. */
export function uncheckedPaths(topology: TopologyModel): Set<string> {
  return new Set(
    allProcesses(topology)
      .filter((p) => p.process.unchecked)
      .map((p) => p.process.path),
  );
}
