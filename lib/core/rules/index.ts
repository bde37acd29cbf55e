import { error, Finding, uniqueFindings } from "../findings";
import { assignMachines } from "../machines";
import { TopologyModel } from "../model";
import { catalogueFor, closestSupported, parseVersion } from "../versions/catalogue";
import { PROPERTY_RULES } from "../versions/check-properties";
import { versionConstantName } from "../versions/rocketmq-version";
import { checkRocketMq5 } from "./controller";
import { checkDLedger } from "./dledger";
import { checkHosts } from "./hosts";
import { checkIds } from "./ids";
import { checkJvm } from "./jvm";
import { checkKeys } from "./keys";
import { checkImageVersions, checkNames } from "./names";
import { checkPathKeys } from "./paths";
import { checkPlacement } from "./placement";
import { checkPorts } from "./ports";
import { checkStores } from "./stores";
import { checkAccessControl } from "./acl";
import { checkHostCapabilities } from "./capabilities";
import { checkTls } from "./tls";

/**
 * Every rule of the library over the whole topology, sorted, each problem once (a value declared once for many
 * processes is one finding where it was declared); empty when the topology deploys. Hosts are first grouped into
 * machines (one address or one engine), once.
 */
export function checkTopology(input: TopologyModel): Finding[] {
  const topology = assignMachines(input);
  const versionFindings = checkVersions(topology);
  // Version gates (DLedger from 4.5, controller mode and proxy from 5.0) hold for any well-formed version, with or
  // without a catalogue; the key checks need the version's own catalogue.
  const wellFormed: TopologyModel = {
    ...topology,
    clusters: topology.clusters.filter((c) => parseVersion(c.version) !== undefined),
  };
  const known: TopologyModel = {
    ...topology,
    clusters: topology.clusters.filter((c) => !versionFindings.some((f) => f.path === c.path)),
  };
  // The clusters of an unknown version: their extra properties get the findings that hold in every version (an owned
  // key, a tutorial key), beside versions/unknown, which already says that the rest cannot be checked.
  const unknown: TopologyModel = {
    ...topology,
    clusters: topology.clusters.filter((c) => !known.clusters.includes(c)),
  };
  return uniqueFindings([
    ...versionFindings,
    ...ON_EVERY_CLUSTER.flatMap((rule) => rule(topology)),
    ...ON_WELL_FORMED_VERSIONS.flatMap((rule) => rule(wellFormed)),
    ...ON_KNOWN_VERSIONS.flatMap((rule) => rule(known)),
    ...checkKeys(unknown).filter((f) => f.rule !== PROPERTY_RULES.unsupportedVersion),
  ]);
}

type Rule = (topology: TopologyModel) => Finding[];
/** Rules that read no version. */
const ON_EVERY_CLUSTER: readonly Rule[] = [
  checkAccessControl,
  checkIds,
  checkPorts,
  checkStores,
  checkHostCapabilities,
  checkNames,
  checkHosts,
  checkPlacement,
  checkJvm,
  checkTls,
];
/** The version gates: any well-formed version. */
const ON_WELL_FORMED_VERSIONS: readonly Rule[] = [checkDLedger, checkRocketMq5];
/** The key checks: a version with its own catalogue. */
const ON_KNOWN_VERSIONS: readonly Rule[] = [checkKeys, checkPathKeys, checkImageVersions];

function checkVersions(topology: TopologyModel): Finding[] {
  const out: Finding[] = [];
  for (const c of topology.clusters) {
    try {
      catalogueFor(c.version);
    } catch (e) {
      const closest = closestSupported(c.version);
      out.push(
        error(
          c.path,
          "versions/unknown",
          `${(e as Error).message} The key catalogue of a version is read from that release's own jars; another release's keys would refuse real keys and accept removed ones.`,
          `Set the cluster's \`version\` to ${closest.map((v) => `RocketMqVersion.${versionConstantName(v)}`).join(" or ")} (the closest supported version${closest.length > 1 ? "s" : ""}; in JavaScript or JSON ${closest.map((v) => `"${v}"`).join(" or ")}).`,
        ),
      );
    }
  }
  return out;
}

export {
  checkRocketMq5,
  checkDLedger,
  checkHosts,
  checkIds,
  checkJvm,
  checkKeys,
  checkNames,
  checkPathKeys,
  checkPlacement,
  checkPorts,
  checkStores,
  checkHostCapabilities,
};
