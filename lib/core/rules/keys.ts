import { Finding } from "../findings";
import { TopologyModel } from "../model";
import { BROKER_OWNED_KEYS, CONTROLLER_OWNED_KEYS, NAMESRV_OWNED_KEYS, PROXY_OWNED_KEYS } from "../render/servers";
import { checkProperties } from "../versions/check-properties";

/** In DLedger and controller-mode sets the role is elected: flushDiskType is the user's to set. */
const ELECTED_OWNED_KEYS: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(BROKER_OWNED_KEYS).filter(([k]) => k !== "flushDiskType"));

/** Extra properties of every process, checked against the cluster version's key catalogue. */
export function checkKeys(topology: TopologyModel): Finding[] {
  const findings: Finding[] = [];
  for (const cluster of topology.clusters) {
    for (const ns of cluster.nameServers) {
      findings.push(...checkProperties({ version: cluster.version, section: "namesrv", properties: ns.extraProperties, owned: NAMESRV_OWNED_KEYS, path: ns.path }));
    }
    for (const g of cluster.controllerGroups) {
      for (const c of g.controllers) {
        findings.push(...checkProperties({ version: cluster.version, section: "controller", properties: c.extraProperties, owned: CONTROLLER_OWNED_KEYS, path: c.path }));
      }
    }
    for (const p of cluster.proxies) {
      findings.push(...checkProperties({ version: cluster.version, section: "proxy", properties: p.extraProperties, owned: PROXY_OWNED_KEYS, path: p.path }));
    }
    for (const set of cluster.brokerSets) {
      for (const b of set.members) {
        findings.push(...checkProperties({ version: cluster.version, section: "broker", properties: b.extraProperties, owned: set.kind === "pair" ? BROKER_OWNED_KEYS : ELECTED_OWNED_KEYS, path: b.path }));
      }
    }
  }
  return findings;
}
