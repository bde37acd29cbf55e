import { error, Finding, warning } from "../findings";
import { ClusterModel, controllerPeers, TopologyModel } from "../model";
import { DEFAULT_VERSION, versionAtLeast } from "../versions/catalogue";

const SELF_ID = /^[A-Za-z][0-9]+$/;

/**
 * RocketMQ 5 features: controller mode, proxy and an explicit haListenPort need 5.x (4.x has no
 * such keys and always uses listenPort+1 for HA). A controller-mode broker set needs the
 * cluster's controller group (one per cluster); the controller group is a raft group: 1 controller
 * works without controller failover, 2 cannot lose one, 3 or more tolerate failures; unique
 * controllerDLegerSelfId of the form letter + number.
 */
export function checkRocketMq5(topology: TopologyModel): Finding[] {
  return topology.clusters.flatMap(checkCluster);
}

function checkCluster(cluster: ClusterModel): Finding[] {
  const findings: Finding[] = [];
  const is5 = versionAtLeast(cluster.version, "5.0.0");
  const needs5 = (path: string, what: string, fact: string, fix: string) =>
    findings.push(
      error(path, "versions/needs-5", `${what} needs RocketMQ 5.0 or later: ${fact}; cluster ${cluster.clusterName} runs ${cluster.version}.`, `Set the cluster's \`version\` to a 5.x release (e.g. ${DEFAULT_VERSION}), or ${fix}.`),
    );
  // Facts: the controller/ and proxy/ modules and the enableControllerMode key first appear at tag rocketmq-all-5.0.0
  // (none of them at rocketmq-all-4.9.8); Maven Central's first rocketmq-controller and rocketmq-proxy are 5.0.0.
  for (const g of cluster.controllerGroups) {
    if (!is5) needs5(g.path, `Controller group ${g.controllerDLegerGroup}`, "the controller (mqcontroller, or enableControllerInNamesrv in the name server) first ships in 5.0.0, so 4.x has no process to run", "remove the ControllerGroup and use a DLedgerGroup for automatic failover on 4.5+");
  }
  for (const p of cluster.proxies) {
    if (!is5) needs5(p.path, "A proxy", "the proxy (rocketmq-proxy, mqproxy) first ships in 5.0.0, so 4.x has no proxy to start", "remove the Proxy: 4.x clients connect to the name servers and brokers directly");
  }
  for (const set of cluster.brokerSets) {
    if (set.kind === "controller" && !is5) {
      needs5(set.path, `Controller-mode broker set ${set.brokerName}`, "enableControllerMode and controllerAddr first exist in 5.0.0, so a 4.x broker ignores them and starts as a plain master without failover", "declare a DLedgerGroup (automatic failover on 4.5+) or a BrokerPair instead");
    }
    for (const b of set.members) {
      if (b.haListenPort !== undefined && !is5) {
        findings.push(
          error(b.path, "versions/ha-listen-port", `haListenPort ${b.haListenPort} is set, but RocketMQ ${cluster.version} always overwrites it with listenPort+1 (${b.listenPort + 1}).`, `Remove haListenPort (the HA port is listenPort+1), or use RocketMQ 5.x.`),
        );
      }
    }
  }

  const controllerSets = cluster.brokerSets.filter((s) => s.kind === "controller");
  if (controllerSets.length > 0 && cluster.controllerGroups.length === 0) {
    for (const s of controllerSets) {
      findings.push(
        error(s.path, "controller/missing", `Controller-mode broker set ${s.brokerName} has no controller to elect its master: cluster ${cluster.clusterName} declares no ControllerGroup, so controllerAddr would be empty.`, `Add a ControllerGroup to the cluster (3 standalone controllers, or embedded in 3 name servers).`),
      );
    }
  }
  for (const g of cluster.controllerGroups.slice(1)) {
    findings.push(error(g.path, "controller/one-group", `Cluster ${cluster.clusterName} has more than one ControllerGroup; its brokers can list only one in controllerAddr.`, `Keep one ControllerGroup per cluster.`));
  }

  for (const g of cluster.controllerGroups) {
    const peers = controllerPeers(cluster, g);
    const n = peers.length;
    if (n === 2 || n === 0) {
      findings.push(
        error(g.path, "controller/quorum", `Controller group ${g.controllerDLegerGroup} has ${n} controllers: its raft needs a majority, so ${n === 0 ? "it cannot run" : "losing one stops every master election"}.`, `Declare 3 controllers (or 1 for development).`),
      );
    } else if (n === 1) {
      findings.push(warning(g.path, "controller/quorum", `Controller group ${g.controllerDLegerGroup} has 1 controller: brokers fail over only while it is up.`, `Declare 3 controllers on different hosts for production.`));
    } else if (n % 2 === 0) {
      findings.push(warning(g.path, "controller/quorum", `Controller group ${g.controllerDLegerGroup} has ${n} controllers: an even count tolerates no more failures than ${n - 1}.`, `Use an odd number of controllers.`));
    }
    const seen = new Map<string, string>();
    for (const p of peers) {
      if (!SELF_ID.test(p.peer.selfId)) {
        findings.push(error(p.path, "controller/self-id", `controllerDLegerSelfId "${p.peer.selfId}" is not a letter followed by a number.`, `Use ids such as n0, n1, n2.`));
      }
      if (seen.has(p.peer.selfId)) {
        findings.push(error(p.path, "controller/self-id", `controllerDLegerSelfId "${p.peer.selfId}" is used by ${seen.get(p.peer.selfId)} and ${p.path}.`, `Give every controller its own id.`));
      } else seen.set(p.peer.selfId, p.path);
    }
  }
  return findings;
}
