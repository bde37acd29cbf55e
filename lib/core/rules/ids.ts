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
  const badName = (path: string, key: string, value: string, fix: string) =>
    NAME.test(value)
      ? []
      : [
          error(
            path,
            "ids/name",
            `${key} "${value}" is not a usable name (letters, digits, _ . % | - only, starting with a letter or digit, not empty).`,
            fix,
          ),
        ];
  findings.push(
    ...badName(
      cluster.path,
      "brokerClusterName",
      cluster.clusterName,
      `Set clusterName to such a name, e.g. clusterName: "DefaultCluster".`,
    ),
  );
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
          `Set brokerName of ${p} to a name no other broker set of cluster ${cluster.clusterName} uses, e.g. brokerName: "${freeBrokerName(name, byName)}".`,
        ),
      );
    }
  }

  for (const set of cluster.brokerSets) {
    findings.push(
      ...badName(
        set.path,
        "brokerName",
        set.brokerName,
        `Set brokerName to such a name, e.g. brokerName: "broker-a", or remove brokerName (the default is the construct id).`,
      ),
    );
    if (set.kind !== "pair") continue;
    const masters = set.members.filter((m) => m.brokerId === 0);
    if (masters.length !== 1) {
      findings.push(
        error(
          set.path,
          "ids/one-master",
          `Broker set ${set.brokerName} has ${masters.length} members with brokerId 0: a master/slave set has exactly one master (brokerId 0).`,
          masters.length === 0
            ? `Give ${set.brokerName} a master (BrokerPair master).`
            : `Set brokerId of ${masters
                .filter((m) => m.brokerRole === "SLAVE")
                .map((m) => m.path)
                .join(
                  " and ",
                )} to 1 or more, e.g. brokerId: ${freeSlaveId(set.members.map((m) => m.brokerId))}, or remove brokerId (the default is the slave's position, from 1).`,
        ),
      );
    }
    const seen = new Map<number, string>();
    for (const m of set.members) {
      if (m.brokerRole !== "SLAVE") continue;
      if (!Number.isInteger(m.brokerId) || m.brokerId <= 0) {
        findings.push(
          error(
            m.path,
            "ids/slave-id",
            `Slave of ${set.brokerName} has brokerId ${m.brokerId}: RocketMQ exits with "Slave's brokerId must be > 0".`,
            `Set brokerId of this slave to a whole number of 1 or more, e.g. brokerId: ${freeSlaveId(set.members.map((x) => x.brokerId))}.`,
          ),
        );
      } else if (seen.has(m.brokerId)) {
        findings.push(
          error(
            m.path,
            "ids/slave-id",
            `Slaves ${seen.get(m.brokerId)} and ${m.path} of ${set.brokerName} both have brokerId ${m.brokerId}: the name server keeps one address per brokerId, so one slave disappears from the route.`,
            `Set brokerId of ${m.path} to one no other slave of ${set.brokerName} uses, e.g. brokerId: ${freeSlaveId(set.members.map((x) => x.brokerId))}.`,
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
          `Add a slave (slaves: [{ host }]), or set replication: Replication.ASYNC (in JavaScript or JSON: "ASYNC") for a master without slaves.`,
        ),
      );
    }
  }
  return findings;
}

/** The first brokerId from 1 that no member has. Bounded by the number of members. */
function freeSlaveId(ids: readonly number[]): number {
  const taken = new Set(ids);
  for (let i = 1; i <= taken.size + 1; i++) if (!taken.has(i)) return i;
  return taken.size + 2;
}

/** `name-2`, `name-3`, ...: the first that no set of the cluster has. */
function freeBrokerName(name: string, taken: ReadonlyMap<string, unknown>): string {
  for (let i = 2; i <= taken.size + 2; i++) if (!taken.has(`${name}-${i}`)) return `${name}-${i}`;
  return `${name}-${taken.size + 3}`;
}
