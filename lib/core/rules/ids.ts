import { error, Finding } from "../findings";
import { ClusterModel, TopologyModel } from "../model";

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.%|-]*$/;

/**
 * Identity rules of a cluster: at least one name server; brokerName unique in the cluster
 * (the name server keys routes by brokerName); in a master/slave set one master (brokerId 0)
 * and slaves with unique brokerId > 0 ("Slave's brokerId must be > 0" at startup; two slaves
 * with one id overwrite each other's route); SYNC replication needs a slave to replicate to.
 */
export function checkIds(topology: TopologyModel): Finding[] {
  return topology.clusters.flatMap(checkCluster);
}

function checkCluster(cluster: ClusterModel): Finding[] {
  const findings: Finding[] = [];
  if (!NAME.test(cluster.clusterName)) {
    findings.push(
      error(cluster.path, "ids/name", `brokerClusterName "${cluster.clusterName}" is not a usable name (letters, digits, _ . % | - only, not empty).`, `Use a name such as DefaultCluster.`),
    );
  }
  if (cluster.nameServers.length === 0) {
    findings.push(
      error(
        cluster.path,
        "ids/no-namesrv",
        `Cluster ${cluster.clusterName} has no NameServer: its brokers would have no namesrvAddr and no client could find them.`,
        `Add at least one NameServer to the cluster (two or more on different hosts for availability).`,
      ),
    );
  }

  const byName = new Map<string, string[]>();
  for (const set of cluster.brokerSets) byName.set(set.brokerName, [...(byName.get(set.brokerName) ?? []), set.path]);
  for (const [name, paths] of byName) {
    const sorted = [...paths].sort();
    for (const p of sorted.slice(1)) {
      findings.push(
        error(
          p,
          "ids/broker-name",
          `brokerName "${name}" is used by two broker sets of cluster ${cluster.clusterName} (${sorted[0]} and ${p}): the name server would merge them into one set and route to the wrong brokers.`,
          `Give each BrokerPair / DLedgerGroup its own brokerName.`,
        ),
      );
    }
  }

  for (const set of cluster.brokerSets) {
    if (!NAME.test(set.brokerName)) {
      findings.push(
        error(set.path, "ids/name", `brokerName "${set.brokerName}" is not a usable name (letters, digits, _ . % | - only, not empty).`, `Use a name such as broker-a.`),
      );
    }
    if (set.kind !== "pair") continue;
    const masters = set.members.filter((m) => m.brokerId === 0);
    if (masters.length !== 1) {
      findings.push(
        error(
          set.path,
          "ids/one-master",
          `Broker set ${set.brokerName} has ${masters.length} members with brokerId 0: a master/slave set has exactly one master (brokerId 0).`,
          `Keep one master and give every slave a brokerId of 1 or more.`,
        ),
      );
    }
    const seen = new Map<number, string>();
    for (const m of set.members) {
      if (m.brokerRole !== "SLAVE") continue;
      if (!Number.isInteger(m.brokerId) || m.brokerId <= 0) {
        findings.push(
          error(m.path, "ids/slave-id", `Slave of ${set.brokerName} has brokerId ${m.brokerId}: RocketMQ exits with "Slave's brokerId must be > 0".`, `Give the slave a brokerId of 1 or more.`),
        );
      } else if (seen.has(m.brokerId)) {
        findings.push(
          error(
            m.path,
            "ids/slave-id",
            `Slaves ${seen.get(m.brokerId)} and ${m.path} of ${set.brokerName} both have brokerId ${m.brokerId}: the name server keeps one address per brokerId, so one slave disappears from the route.`,
            `Give every slave of ${set.brokerName} its own brokerId (1, 2, ...).`,
          ),
        );
      } else {
        seen.set(m.brokerId, m.path);
      }
    }
    const slaves = set.members.filter((m) => m.brokerRole === "SLAVE");
    if (set.replication === "SYNC" && slaves.length === 0) {
      findings.push(
        error(
          set.path,
          "ids/sync-needs-slave",
          `Broker set ${set.brokerName} uses SYNC replication but has no slave: a SYNC_MASTER waits for a slave on every send and answers SLAVE_NOT_AVAILABLE.`,
          `Add a slave, or use replication: "ASYNC" for a master without slaves.`,
        ),
      );
    }
  }
  return findings;
}
