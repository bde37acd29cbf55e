import { Finding, warning } from "../findings";
import { TopologyModel } from "../model";

/**
 * High availability: a master and its slave, or two raft peers, on one host are lost together
 * when that host dies. Allowed (development, tests), but said.
 */
export function checkPlacement(topology: TopologyModel): Finding[] {
  const findings: Finding[] = [];
  for (const cluster of topology.clusters) {
    for (const set of cluster.brokerSets) {
      const byHost = new Map<string, string[]>();
      for (const m of set.members) byHost.set(m.host.address, [...(byHost.get(m.host.address) ?? []), m.path]);
      for (const [address, paths] of byHost) {
        if (paths.length < 2) continue;
        const what = set.kind === "dledger" ? `${paths.length} peers of DLedger group ${set.brokerName}` : `master and slave of ${set.brokerName}`;
        findings.push(
          warning(
            set.path,
            "placement/same-host",
            `${what} run on one host ${address} (${[...paths].sort().join(", ")}): when that host dies they fail together${set.kind === "dledger" ? " and the group may lose its majority" : ""}.`,
            `Place the members of ${set.brokerName} on different hosts.`,
          ),
        );
      }
    }
  }
  return findings;
}
