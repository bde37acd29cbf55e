import { Finding } from "../findings";
import { ProcessModelBase, TopologyModel } from "../model";
import { BROKER_OWNED_KEYS, CONTROLLER_OWNED_KEYS, NAMESRV_OWNED_KEYS, PROXY_OWNED_KEYS } from "../render/servers";
import { checkProperties, PropertySection } from "../versions/check-properties";

/** In DLedger and controller-mode sets the role is elected: flushDiskType is the user's to set. */
const ELECTED_OWNED_KEYS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(BROKER_OWNED_KEYS).filter(([k]) => k !== "flushDiskType"),
);

interface Checked {
  readonly version: string;
  readonly section: PropertySection;
  readonly process: Omit<ProcessModelBase, "store">;
  readonly owned: Readonly<Record<string, string>>;
}

/**
 * Extra properties of every process, checked against the cluster version's key catalogue. A key declared on the
 * cluster (brokerProperties) or on a set (properties) is checked once, where declared, against what every process
 * that inherits it accepts: a key owned in any of them is owned there, so that the fix works for all of them.
 */
export function checkKeys(topology: TopologyModel): Finding[] {
  const all: Checked[] = [];
  for (const cluster of topology.clusters) {
    const v = cluster.version;
    for (const ns of cluster.nameServers)
      all.push({ version: v, section: "namesrv", process: ns, owned: NAMESRV_OWNED_KEYS });
    for (const g of cluster.controllerGroups)
      for (const c of g.controllers)
        all.push({ version: v, section: "controller", process: c, owned: CONTROLLER_OWNED_KEYS });
    for (const p of cluster.proxies) all.push({ version: v, section: "proxy", process: p, owned: PROXY_OWNED_KEYS });
    for (const set of cluster.brokerSets) {
      for (const b of set.members)
        all.push({
          version: v,
          section: "broker",
          process: b,
          owned: set.kind === "pair" ? BROKER_OWNED_KEYS : ELECTED_OWNED_KEYS,
        });
    }
  }
  const findings: Finding[] = [];
  // Keys declared on the process itself.
  for (const c of all) findings.push(...check(c, c.owned).filter((f) => f.path === c.process.path));
  // Keys declared above it, once per declaring construct (and section), with the owned keys of all that inherit them.
  const above = new Map<string, Checked[]>();
  for (const c of all) {
    for (const path of new Set(Object.values(keyPathsOf(c.process))))
      above.set(`${path}\u0000${c.section}`, [...(above.get(`${path}\u0000${c.section}`) ?? []), c]);
  }
  for (const [key, heirs] of above) {
    const path = key.slice(0, key.indexOf("\u0000"));
    const owned = Object.assign({}, ...heirs.map((h) => h.owned)) as Record<string, string>;
    const first = [...heirs].sort((a, b) => (a.process.path < b.process.path ? -1 : 1))[0];
    findings.push(...check(first, owned).filter((f) => f.path === path));
  }
  return findings;
}

function check(c: Checked, owned: Readonly<Record<string, string>>): Finding[] {
  const p = c.process;
  return checkProperties({
    version: c.version,
    section: c.section,
    properties: p.extraProperties,
    owned,
    path: p.path,
    keyPaths: keyPathsOf(p),
    unresolved: p.unresolvedProperties,
  });
}

/** Key → construct path of every extra property declared elsewhere than on the process. */
export function keyPathsOf(p: Omit<ProcessModelBase, "store">): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, d] of Object.entries(p.declared ?? {}))
    if (field.startsWith("properties.")) out[field.slice("properties.".length)] = d.path;
  return out;
}
