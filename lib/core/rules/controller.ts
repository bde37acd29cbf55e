import { error, Finding, warning } from "../findings";
import { ClusterModel, controllerPeers, TopologyModel } from "../model";
import { DEFAULT_VERSION, versionAtLeast } from "../versions/catalogue";
import { freeSelfId, groupNameProblem } from "./dledger";
import { keyPathsOf } from "./keys";
import { isIPv6 } from "./hosts";

const SELF_ID = /^[A-Za-z][0-9]+$/;

/**
 * RocketMQ 5 features: controller mode, proxy and an explicit haListenPort need 5.x (4.x has no
 * such keys and always uses listenPort+1 for HA). A controller-mode broker set needs the
 * cluster's controller group (one per cluster); the controller group is a raft group: 1 controller
 * works without controller failover, 2 cannot lose one, 3 or more tolerate failures; unique
 * controllerDLegerSelfId of the form letter + number; no IPv6 controller host (DLedger reads the port as
 * `address.split(":")[1]`). A controller-mode set of 1 broker has no failover (warning), one of none deploys nothing
 * (error). A controllerDLegerGroup that is empty or has blanks works, with a warning (as dLegerGroup).
 */
export function checkRocketMq5(topology: TopologyModel): Finding[] {
  return topology.clusters.flatMap(checkCluster);
}

/**
 * RocketMQ 5.3.2 and 5.3.3 read `isCommitLogAvailable()` once before ReputMessageService's read loop (commit 9aa081b,
 * "Support dispatchBehindMilliseconds"); 5.3.1 and 5.4.0 and later test it on every pass (read from the bytecode of
 * rocketmq-store 5.3.1, 5.3.2, 5.3.3, 5.4.0, 5.5.0, 5.5.1). When the confirm offset stops the reads before the end of
 * the commit log, the loop calls getData again and again without sleeping. A controller-mode replica's confirm offset
 * comes from its master, so it is behind whenever messages arrive: observed in the deploy lab, a 5.3.3 replica's
 * ReputMessageService thread used 63% of a core for minutes under traffic, and name servers on the same machine took
 * 40-70 s to start instead of under 1 s.
 */
function reputBusyLoop(version: string): boolean {
  return versionAtLeast(version, "5.3.2") && !versionAtLeast(version, "5.4.0");
}

function checkCluster(cluster: ClusterModel): Finding[] {
  const findings: Finding[] = [];
  const is5 = versionAtLeast(cluster.version, "5.0.0");
  const needs5 = (path: string, what: string, fact: string, fix: string) =>
    findings.push(
      error(
        path,
        "versions/needs-5",
        `${what} needs RocketMQ 5.0 or later: ${fact}; cluster ${cluster.clusterName} runs ${cluster.version}.`,
        `Set the cluster's \`version\` to a 5.x release (e.g. ${DEFAULT_VERSION}), or ${fix}.`,
      ),
    );
  // Facts: the controller/ and proxy/ modules and the enableControllerMode key first appear at tag rocketmq-all-5.0.0
  // (none of them at rocketmq-all-4.9.8); Maven Central's first rocketmq-controller and rocketmq-proxy are 5.0.0.
  for (const g of cluster.controllerGroups) {
    if (!is5)
      needs5(
        g.path,
        `Controller group ${g.controllerDLegerGroup}`,
        "the controller (mqcontroller, or enableControllerInNamesrv in the name server) first ships in 5.0.0, so 4.x has no process to run",
        "remove the ControllerGroup and use a DLedgerGroup for automatic failover on 4.5+",
      );
  }
  // controllerType=jRaft (5.2.0+): the controllers would serve raft and brokers on the jRaft ports
  // (jRaftControllerRPCAddr, jRaftServerId), while the library writes controllerDLegerPeers and points every broker's
  // controllerAddr at the DLedger ports: no broker would find a controller. Reported once where declared.
  const jraft = new Map<string, string>();
  for (const g of cluster.controllerGroups)
    for (const c of [...g.controllers, ...cluster.nameServers.filter((ns) => ns.controller)])
      if (String(c.extraProperties.controllerType ?? "").trim() === "jRaft")
        jraft.set(keyPathsOf(c).controllerType ?? c.path, g.controllerDLegerGroup);
  for (const [path, group] of jraft)
    findings.push(
      error(
        path,
        "controller/jraft",
        `controllerType=jRaft makes the controllers of ${group} serve their raft and the brokers on the jRaft ports (jRaftControllerRPCAddr, jRaftServerId), but the library writes their DLedger peers (controllerDLegerPeers) and points every broker's controllerAddr at those DLedger ports: no broker would find a controller. The library does not generate jRaft controllers.`,
        `Remove controllerType (DLedger, the default, is what the library generates and its labs prove).`,
      ),
    );
  for (const p of cluster.proxies) {
    if (!is5)
      needs5(
        p.path,
        "A proxy",
        "the proxy (rocketmq-proxy, mqproxy) first ships in 5.0.0, so 4.x has no proxy to start",
        "remove the Proxy: 4.x clients connect to the name servers and brokers directly",
      );
  }
  for (const set of cluster.brokerSets) {
    if (set.kind === "controller" && !is5) {
      needs5(
        set.path,
        `Controller-mode broker set ${set.brokerName}`,
        "enableControllerMode and controllerAddr first exist in 5.0.0, so a 4.x broker ignores them and starts as a plain master without failover",
        "declare a DLedgerGroup (automatic failover on 4.5+) or a BrokerPair instead",
      );
    }
    if (set.kind === "controller" && set.members.length === 0) {
      findings.push(
        error(
          set.path,
          "controller/replicas",
          `Controller-mode set ${set.brokerName} has no broker: nothing would run and brokerName ${set.brokerName} would never register.`,
          `Add brokers to ${set.brokerName} (brokers: [{ host }, { host }, ...]), 2 or more on different hosts, or remove the ControllerBrokerSet.`,
        ),
      );
    } else if (set.kind === "controller" && set.members.length === 1) {
      findings.push(
        warning(
          set.path,
          "controller/replicas",
          `Controller-mode set ${set.brokerName} has 1 broker: the controller elects it master, but when it dies there is no replica to elect and ${set.brokerName} stops.`,
          `Add a second broker to ${set.brokerName} (brokers: [...]) on another host for failover.`,
        ),
      );
    } else if (set.kind === "controller" && reputBusyLoop(cluster.version)) {
      findings.push(
        warning(
          set.path,
          "controller/reput-busy-loop",
          `RocketMQ ${cluster.version} has a busy loop in the store's ReputMessageService (5.3.2 and 5.3.3 test the confirm offset once per pass, not per read): while a replica's confirm offset, which its master sends, is behind its commit log's end, doReput spins without sleeping. Under traffic each replica of ${set.brokerName} keeps a CPU core busy, and the processes beside it start and answer slowly.`,
          `Set the cluster's \`version\` to 5.4.0 or later (e.g. ${DEFAULT_VERSION}), where the loop re-reads the confirm offset on every read.`,
        ),
      );
    }
    for (const b of set.members) {
      if (b.haListenPort !== undefined && !is5) {
        findings.push(
          error(
            b.path,
            "versions/ha-listen-port",
            `haListenPort ${b.haListenPort} is set, but RocketMQ ${cluster.version} always overwrites it with listenPort+1 (${b.listenPort + 1}).`,
            `Remove haListenPort (the HA port is listenPort+1), or set version of the RocketMqCluster to a 5.x release.`,
          ),
        );
      }
    }
  }

  const controllerSets = cluster.brokerSets.filter((s) => s.kind === "controller");
  if (controllerSets.length > 0 && cluster.controllerGroups.length === 0) {
    for (const s of controllerSets) {
      findings.push(
        error(
          s.path,
          "controller/missing",
          `Controller-mode broker set ${s.brokerName} has no controller to elect its master: cluster ${cluster.clusterName} declares no ControllerGroup, so controllerAddr would be empty.`,
          `Add a ControllerGroup to the cluster (3 standalone controllers, or embedded in 3 name servers).`,
        ),
      );
    }
  }
  for (const g of cluster.controllerGroups.slice(1)) {
    findings.push(
      error(
        g.path,
        "controller/one-group",
        `Cluster ${cluster.clusterName} has more than one ControllerGroup; its brokers can list only one in controllerAddr.`,
        `Remove ControllerGroup ${g.path}: one ControllerGroup per cluster elects the masters of all its ControllerBrokerSets.`,
      ),
    );
  }

  for (const g of cluster.controllerGroups) {
    const peers = controllerPeers(cluster, g);
    const n = peers.length;
    const groupProblem = groupNameProblem(g.controllerDLegerGroup);
    if (groupProblem) {
      findings.push(
        warning(
          g.path,
          "controller/group",
          `controllerDLegerGroup ${JSON.stringify(g.controllerDLegerGroup)} ${groupProblem} RocketMQ writes it as is into every controller and DLedger accepts it (it only compares the group of each request with its own), so the group works, but its name shows in the controllers' metrics and logs.`,
          `Remove controllerDLegerGroup (the default is the construct id), or set a name without blanks.`,
        ),
      );
    }
    if (n === 2 || n === 0) {
      findings.push(
        error(
          g.path,
          "controller/quorum",
          `Controller group ${g.controllerDLegerGroup} has ${n} controllers: its raft needs a majority, so ${n === 0 ? "it cannot run" : "losing one stops every master election"}.`,
          `Declare 3 controllers (controllers: [...] or inNameServers: [...]), or 1 for development.`,
        ),
      );
    } else if (n === 1) {
      findings.push(
        warning(
          g.path,
          "controller/quorum",
          `Controller group ${g.controllerDLegerGroup} has 1 controller: brokers fail over only while it is up.`,
          `Declare 3 controllers on different hosts for production.`,
        ),
      );
    } else if (n % 2 === 0) {
      findings.push(
        warning(
          g.path,
          "controller/quorum",
          `Controller group ${g.controllerDLegerGroup} has ${n} controllers: an even count tolerates no more failures than ${n - 1}.`,
          `Add or remove a controller (${g.embedded ? "inNameServers" : "controllers"}) for an odd count.`,
        ),
      );
    }
    const seen = new Map<string, string>();
    const free = freeSelfId(peers.map((p) => p.peer.selfId));
    for (const p of peers) {
      if (!SELF_ID.test(p.peer.selfId)) {
        findings.push(
          error(
            p.path,
            "controller/self-id",
            `controllerDLegerSelfId "${p.peer.selfId}" is not a letter followed by a number.`,
            `Set selfId of this controller to a letter followed by a number no other controller uses, e.g. selfId: "${free}".`,
          ),
        );
      }
      if (seen.has(p.peer.selfId)) {
        findings.push(
          error(
            p.path,
            "controller/self-id",
            `controllerDLegerSelfId "${p.peer.selfId}" is used by ${seen.get(p.peer.selfId)} and ${p.path}.`,
            `Set selfId of ${p.path} to an id no other controller uses, e.g. selfId: "${free}".`,
          ),
        );
      } else seen.set(p.peer.selfId, p.path);
      if (!p.host.unresolved?.includes("address") && isIPv6(p.host.address)) {
        findings.push(
          error(
            p.path,
            "controller/ipv6",
            `Controller host "${p.host.address}" is an IPv6 address: the controller's DLedger reads its own port from controllerDLegerPeers as address.split(":")[1], which is not the port for an IPv6 address, and the controller fails at startup.`,
            `Give the DockerHost an IPv4 address or a DNS name (address).`,
          ),
        );
      }
    }
  }
  return findings;
}
