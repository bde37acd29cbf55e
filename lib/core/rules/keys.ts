import { Finding } from "../findings";
import { ProcessModelBase, TopologyModel } from "../model";
import { BROKER_OWNED_KEYS, CONTROLLER_OWNED_KEYS, NAMESRV_OWNED_KEYS, PROXY_OWNED_KEYS } from "../render/servers";
import { checkProperties, PropertySection } from "../versions/check-properties";

/** In DLedger and controller-mode sets the role is elected: flushDiskType is the user's to set. */
const ELECTED_OWNED_KEYS: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(BROKER_OWNED_KEYS).filter(([k]) => k !== "flushDiskType"));

/**
 * Extra properties of every process, checked against the cluster version's key catalogue. A key declared on the
 * cluster (brokerProperties) or on a set (properties) is reported there, once (checkTopology keeps one of equal findings).
 */
export function checkKeys(topology: TopologyModel): Finding[] {
  const findings: Finding[] = [];
  const check = (version: string, section: PropertySection, p: Omit<ProcessModelBase, "store">, owned: Readonly<Record<string, string>>) =>
    findings.push(...checkProperties({ version, section, properties: p.extraProperties, owned, path: p.path, keyPaths: keyPathsOf(p), unresolved: p.unresolvedProperties }));
  for (const cluster of topology.clusters) {
    for (const ns of cluster.nameServers) check(cluster.version, "namesrv", ns, NAMESRV_OWNED_KEYS);
    for (const g of cluster.controllerGroups) for (const c of g.controllers) check(cluster.version, "controller", c, CONTROLLER_OWNED_KEYS);
    for (const p of cluster.proxies) check(cluster.version, "proxy", p, PROXY_OWNED_KEYS);
    for (const set of cluster.brokerSets) {
      for (const b of set.members) check(cluster.version, "broker", b, set.kind === "pair" ? BROKER_OWNED_KEYS : ELECTED_OWNED_KEYS);
    }
  }
  return findings;
}

/** Key → construct path of every extra property declared elsewhere than on the process. */
export function keyPathsOf(p: Omit<ProcessModelBase, "store">): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, d] of Object.entries(p.declared ?? {})) if (field.startsWith("properties.")) out[field.slice("properties.".length)] = d.path;
  return out;
}
