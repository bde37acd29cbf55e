import { error, Finding, warning } from "../findings";
import { BrokerSetModel, ClusterModel, TopologyModel } from "../model";
import { versionAtLeast } from "../versions/catalogue";

const SELF_ID = /^[A-Za-z][0-9]+$/;

/**
 * DLedger raft groups: at least 3 peers (2 peers cannot lose one: quorum is peers/2+1),
 * an odd count (4 peers tolerate no more failures than 3), unique dLegerSelfId of the form
 * letter + number (RocketMQ computes Integer.parseInt(selfId.substring(1))), RocketMQ 4.5 or
 * later, and in 4.7.x (DLedger 0.1) no '-' in peer hosts (the address is cut at the '-').
 */
export function checkDLedger(topology: TopologyModel): Finding[] {
  const findings: Finding[] = [];
  for (const cluster of topology.clusters) {
    for (const set of cluster.brokerSets) if (set.kind === "dledger") findings.push(...checkGroup(cluster, set));
  }
  return findings;
}

function checkGroup(cluster: ClusterModel, set: BrokerSetModel): Finding[] {
  const findings: Finding[] = [];
  const n = set.members.length;
  if (n < 3) {
    findings.push(
      error(
        set.path,
        "dledger/quorum",
        `DLedger group ${set.brokerName} has ${n} peer${n === 1 ? "" : "s"}: raft needs a majority (peers/2+1), so with fewer than 3 peers losing one broker stops the group and no new master is elected.`,
        `Declare at least 3 peers, on different hosts.`,
      ),
    );
  } else if (n % 2 === 0) {
    findings.push(
      warning(
        set.path,
        "dledger/even",
        `DLedger group ${set.brokerName} has ${n} peers: an even count tolerates no more failures than ${n - 1} peers (majority ${Math.floor(n / 2) + 1}).`,
        `Use an odd number of peers (3 or 5).`,
      ),
    );
  }
  if (!versionAtLeast(cluster.version, "4.5.0")) {
    findings.push(
      error(
        set.path,
        "dledger/version",
        `DLedger group ${set.brokerName} needs the DLedger commit log, which RocketMQ ships from 4.5.0 on (DLedgerCommitLog and the enableDLegerCommitLog key first appear in rocketmq-store 4.5.0; tag rocketmq-all-4.4.0 has neither); cluster ${cluster.clusterName} runs ${cluster.version}, whose broker would ignore the DLedger keys and start as a plain master.`,
        `Set the cluster's \`version\` to 4.5.0 or later, or declare a BrokerPair (master/slave, no automatic failover) instead of the DLedgerGroup.`,
      ),
    );
  }
  const seen = new Map<string, string>();
  for (const m of set.members) {
    const id = m.dledger!.selfId;
    if (!SELF_ID.test(id)) {
      findings.push(
        error(
          m.path,
          "dledger/self-id",
          `dLegerSelfId "${id}" is not a letter followed by a number: RocketMQ parses Integer.parseInt(selfId.substring(1)) at startup and fails.`,
          `Use ids such as n0, n1, n2.`,
        ),
      );
    }
    if (seen.has(id)) {
      findings.push(
        error(m.path, "dledger/self-id", `dLegerSelfId "${id}" is used by ${seen.get(id)} and ${m.path} in group ${set.brokerName}: each peer needs its own id in dLegerPeers.`, `Give every peer its own id (n0, n1, n2, ...).`),
      );
    } else {
      seen.set(id, m.path);
    }
    if (!versionAtLeast(cluster.version, "4.8.0") && m.host.address.includes("-")) {
      findings.push(
        error(
          m.path,
          "dledger/host-dash",
          `Peer host "${m.host.address}" contains '-': the DLedger library of RocketMQ ${cluster.version} splits dLegerPeers entries at every '-' and would dial "${m.host.address.split("-")[0]}".`,
          `Use an IP address or a host name without '-', or RocketMQ 4.8.0 or later.`,
        ),
      );
    }
  }
  return findings;
}

