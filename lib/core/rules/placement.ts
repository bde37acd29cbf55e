import { Finding, warning } from "../findings";
import { machineOf } from "../machines";
import { controllerPeers, TopologyModel } from "../model";

/**
 * High availability: a master and its slave, or two raft peers, on one machine (one address or one engine) are lost
 * together when that machine dies. Allowed (development, tests), but said.
 */
export function checkPlacement(topology: TopologyModel): Finding[] {
  const findings: Finding[] = [];
  for (const cluster of topology.clusters) {
    for (const set of cluster.brokerSets) {
      const byHost = new Map<string, string[]>();
      for (const m of set.members)
        if (!m.unchecked) byHost.set(machineOf(m.host), [...(byHost.get(machineOf(m.host)) ?? []), m.path]);
      for (const [address, paths] of byHost) {
        if (paths.length < 2) continue;
        const what =
          set.kind === "dledger"
            ? `${paths.length} peers of DLedger group ${set.brokerName}`
            : set.kind === "controller"
              ? `${paths.length} replicas of controller-mode set ${set.brokerName}`
              : `master and slave of ${set.brokerName}`;
        findings.push(
          warning(
            set.path,
            "placement/same-host",
            `${what} run on one host ${address} (${[...paths].sort().join(", ")}): when that host dies they fail together${set.kind === "pair" ? "" : " and the group may lose its majority"}.`,
            `Set host of ${[...paths].sort().slice(1).join(" and ")} to a DockerHost on another machine.`,
          ),
        );
      }
    }
    for (const g of cluster.controllerGroups) {
      const byHost = new Map<string, string[]>();
      for (const p of controllerPeers(cluster, g))
        byHost.set(machineOf(p.host), [...(byHost.get(machineOf(p.host)) ?? []), p.path]);
      for (const [address, paths] of byHost) {
        if (paths.length < 2) continue;
        findings.push(
          warning(
            g.path,
            "placement/same-host",
            `${paths.length} controllers of group ${g.controllerDLegerGroup} run on one host ${address} (${[...paths].sort().join(", ")}): when that host dies the controllers may lose their majority and no master is elected.`,
            `Set host of ${[...paths].sort().slice(1).join(" and ")} to a DockerHost on another machine${g.embedded ? " (or embed the controllers in name servers on other machines)" : ""}.`,
          ),
        );
      }
    }
  }
  return findings;
}
