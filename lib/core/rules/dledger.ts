import { error, Finding, warning } from "../findings";
import { BrokerSetModel, ClusterModel, TopologyModel } from "../model";
import { catalogueFor, keySpec, SUPPORTED_VERSIONS, versionAtLeast } from "../versions/catalogue";
import { isIPv6 } from "./hosts";

const SELF_ID = /^[A-Za-z][0-9]+$/;

/**
 * DLedger raft groups: at least 3 peers (2 peers cannot lose one: quorum is peers/2+1),
 * an odd count (4 peers tolerate no more failures than 3), unique dLegerSelfId of the form
 * letter + number (RocketMQ computes Integer.parseInt(selfId.substring(1))), RocketMQ 4.5 or
 * later, and in 4.7.x (DLedger 0.1) no '-' in peer hosts (the address is cut at the '-'). A warning on a version
 * that deprecates the broker's DLedger commit log (5.5.1). No IPv6 peer host in any
 * version: DLedger takes its own port as `address.split(":")[1]` (DLedgerRpcNettyService, dledger release-0.1 and
 * 0.3.1.2). A dLegerGroup that is empty or has blanks works (DLedger only compares the group of a request with its
 * own), but is a warning: it is not the brokerName the deployment guide and the default use.
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
        `Declare at least 3 peers in peers of ${set.brokerName}, each on its own host.`,
      ),
    );
  } else if (n % 2 === 0) {
    findings.push(
      warning(
        set.path,
        "dledger/even",
        `DLedger group ${set.brokerName} has ${n} peers: an even count tolerates no more failures than ${n - 1} peers (majority ${Math.floor(n / 2) + 1}).`,
        `Add or remove a peer in peers of ${set.brokerName} for an odd count (3 or 5).`,
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
  const group = set.dLegerGroup ?? set.brokerName;
  const groupProblem = groupNameProblem(group);
  if (groupProblem) {
    findings.push(
      warning(
        set.path,
        "dledger/group",
        `dLegerGroup ${JSON.stringify(group)} ${groupProblem} RocketMQ writes it as is into every peer's dLegerGroup and DLedger accepts it (it only compares the group of each request with its own), so the group works, but it is not the brokerName ${set.brokerName} that RocketMQ's deployment guide and the default use.`,
        `Remove dLegerGroup (the default is the brokerName, ${set.brokerName}), or set dLegerGroup: "${set.brokerName}".`,
      ),
    );
  }
  const deprecated = dledgerDeprecation(cluster.version);
  if (deprecated) findings.push(deprecated(set));
  // By the number RocketMQ reads from each id: "n1" and "n01" are one.
  const seen = new Map<number, [string, string]>();
  // Each fix names another id: following every fix of the group leaves no two peers on one.
  const suggested: string[] = [];
  const nextFree = (): string => {
    const id = freeSelfId([...set.members.map((x) => x.dledger!.selfId), ...suggested]);
    suggested.push(id);
    return id;
  };
  for (const m of set.members) {
    const id = m.dledger!.selfId;
    if (!m.host.unresolved?.includes("address") && isIPv6(m.host.address)) {
      findings.push(
        error(
          m.path,
          "dledger/ipv6",
          `Peer host "${m.host.address}" is an IPv6 address: DLedger reads its own port from dLegerPeers as address.split(":")[1], which is not the port for an IPv6 address, and the broker fails at startup.`,
          `Give the DockerHost of ${m.path} an IPv4 address or a DNS name (address), or use a BrokerPair instead of a DLedgerGroup.`,
        ),
      );
    }
    const number = selfIdNumber(id);
    if (number === undefined) {
      findings.push(
        error(
          m.path,
          "dledger/self-id",
          SELF_ID.test(id)
            ? `dLegerSelfId "${id}" has a number above ${MAX_SELF_ID_NUMBER}: RocketMQ computes a follower's brokerId as Integer.parseInt(selfId.substring(1)) + 1, which fails at startup above 2147483647 and overflows to a negative brokerId at 2147483647.`
            : `dLegerSelfId "${id}" is not a letter followed by a number: RocketMQ parses Integer.parseInt(selfId.substring(1)) at startup and fails.`,
          `Set selfId of this peer to a letter followed by a number that no other peer uses, e.g. selfId: "${nextFree()}".`,
        ),
      );
    } else if (seen.has(number)) {
      const [firstPath, firstId] = seen.get(number)!;
      findings.push(
        error(
          m.path,
          "dledger/self-id",
          firstId === id
            ? `dLegerSelfId "${id}" is used by ${firstPath} and ${m.path} in group ${set.brokerName}: each peer needs its own id in dLegerPeers.`
            : `dLegerSelfId "${id}" and "${firstId}" of ${firstPath} are one number to RocketMQ (Integer.parseInt(selfId.substring(1)) is ${number} for both): as followers both would register brokerId ${number + 1} in group ${set.brokerName}, and the name server keeps one of them.`,
          `Set selfId of ${m.path} to an id whose number no other peer of ${set.brokerName} uses, e.g. selfId: "${nextFree()}".`,
        ),
      );
    } else {
      seen.set(number, [m.path, id]);
    }
    if (
      !versionAtLeast(cluster.version, "4.8.0") &&
      !m.host.unresolved?.includes("address") &&
      m.host.address.includes("-")
    ) {
      findings.push(
        error(
          m.path,
          "dledger/host-dash",
          `Peer host "${m.host.address}" contains '-': the DLedger library of RocketMQ ${cluster.version} splits dLegerPeers entries at every '-' and would dial "${m.host.address.split("-")[0]}".`,
          `Set address of the DockerHost to an IP address or a host name without '-', or set the cluster's version to 4.8.0 or later.`,
        ),
      );
    }
  }
  return findings;
}

/**
 * The warning for a DLedger group on a version that deprecates the broker's DLedger commit log, or undefined. The
 * fact comes from the version's jars: the catalogue marks `enableDLegerCommitLog` deprecated when its setter is
 * `@Deprecated`. That is so from RocketMQ 5.5.1 on (rocketmq-store-5.5.1 MessageStoreConfig and DLedgerCommitLog are
 * `@Deprecated` "Use Controller mode for new deployments"; rocketmq-broker-5.5.1 BrokerStartup logs
 * DLEDGER_COMMIT_LOG_DEPRECATION_WARNING at startup; apache/rocketmq issue #10641, pull request #10642). 5.5.0 and
 * older do not deprecate it.
 */
function dledgerDeprecation(version: string): ((set: BrokerSetModel) => Finding) | undefined {
  if (!SUPPORTED_VERSIONS.includes(version)) return undefined;
  if (!keySpec(catalogueFor(version), "broker", "enableDLegerCommitLog")?.deprecated) return undefined;
  return (set) =>
    warning(
      set.path,
      "dledger/deprecated",
      `DLedger group ${set.brokerName}: RocketMQ ${version} deprecates the broker's DLedger commit log (enableDLegerCommitLog is @Deprecated, ` +
        `and BrokerStartup logs "Broker DLedger mode is deprecated and may be removed in a future release. Use Controller mode for new deployments."). ` +
        `The group still works in ${version}; controller mode is the failover RocketMQ recommends.`,
      `Declare a ControllerGroup (3 \`controllers\`, or \`inNameServers\` on 3 name servers) and a ControllerBrokerSet with ` +
        `\`brokerName: "${set.brokerName}"\` and \`brokers\` on the same hosts instead of the DLedgerGroup. An existing group's messages stay in its ` +
        `DLedger store (<storePathRootDir>/dledger-<selfId>), which a controller-mode broker does not read: give the new set new stores and ` +
        `let consumers drain the old group first.`,
    );
}

/** Why a DLedger or controller group name is unusual (empty, blank, blanks around or inside), or undefined. */
export function groupNameProblem(group: string): string | undefined {
  if (group === "") return "is empty:";
  if (group.trim() === "") return "is blank:";
  if (group.trim() !== group) return "has blanks around it (RocketMQ 5 trims them, 4.x keeps trailing ones):";
  if (/\s/.test(group)) return "contains blanks:";
  return undefined;
}

/**
 * The largest number a broker's dLegerSelfId may carry: a follower registers brokerId
 * `Integer.parseInt(selfId.substring(1)) + 1` (DLedgerCommitLog), a Java int.
 */
export const MAX_SELF_ID_NUMBER = 2_147_483_646;

/** The number RocketMQ reads from a broker's dLegerSelfId, or undefined when it cannot (or its brokerId would overflow). */
export function selfIdNumber(id: string): number | undefined {
  if (!SELF_ID.test(id)) return undefined;
  const n = Number(id.slice(1));
  return n <= MAX_SELF_ID_NUMBER ? n : undefined;
}

/**
 * `n0`, `n1`, ...: the first id whose number none of `used` has (compared as RocketMQ reads them: "n01" takes 1), or
 * whose text none of them is (for ids that are not letter + number). Bounded by the number of ids.
 */
export function freeSelfId(used: readonly string[]): string {
  const taken = new Set(used);
  const numbers = new Set(used.map(selfIdNumber));
  for (let i = 0; i <= taken.size; i++) if (!taken.has(`n${i}`) && !numbers.has(i)) return `n${i}`;
  return `n${taken.size + 1}`;
}
