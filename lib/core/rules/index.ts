import { error, Finding, sortFindings } from "../findings";
import { TopologyModel } from "../model";
import { catalogueFor } from "../versions/catalogue";
import { checkRocketMq5 } from "./controller";
import { checkDLedger } from "./dledger";
import { checkHosts } from "./hosts";
import { checkIds } from "./ids";
import { checkJvm } from "./jvm";
import { checkKeys } from "./keys";
import { checkPlacement } from "./placement";
import { checkPorts } from "./ports";
import { checkStores } from "./stores";

/** Every rule of the library over the whole topology, sorted; empty when the topology deploys. */
export function checkTopology(topology: TopologyModel): Finding[] {
  const versionFindings = checkVersions(topology);
  const known: TopologyModel = {
    ...topology,
    clusters: topology.clusters.filter((c) => !versionFindings.some((f) => f.path === c.path)),
  };
  return sortFindings([
    ...versionFindings,
    ...checkIds(topology),
    ...checkPorts(topology),
    ...checkStores(topology),
    ...checkHosts(topology),
    ...checkPlacement(topology),
    ...checkJvm(topology),
    ...checkDLedger(known),
    ...checkRocketMq5(known),
    ...checkKeys(known),
  ]);
}

function checkVersions(topology: TopologyModel): Finding[] {
  const out: Finding[] = [];
  for (const c of topology.clusters) {
    try {
      catalogueFor(c.version);
    } catch (e) {
      out.push(error(c.path, "versions/unknown", (e as Error).message, `Set version to one of the supported RocketMQ versions.`));
    }
  }
  return out;
}

export { checkRocketMq5, checkDLedger, checkHosts, checkIds, checkJvm, checkKeys, checkPlacement, checkPorts, checkStores };
