/**
 * The placement of processes on their hosts, through the target contract (lib/targets/contract.ts): the only road from
 * a process construct to its host's resources.
 */
import { ITerraformDependable } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { StoreModel } from "../core/model";
import { ProcessKind } from "../core/plan";
import { IRocketMqHost, PlacedProcess, ProcessRequest } from "../targets/contract";
import { planOf, registryOf } from "./analysis";
import { reportFindings } from "./report";

/**
 * Places the process `scope` on `host` through the target contract: the host creates the process's resources and
 * answers what others start after. The host joins the stack's model with its first process, and reports the rules'
 * findings at its path from then on.
 */
export function placeProcess(
  scope: Construct,
  host: IRocketMqHost,
  what: { readonly kind: ProcessKind; readonly processName: string; readonly store?: StoreModel },
): void {
  const registry = registryOf(scope);
  if (!registry.hosts.has(host)) {
    registry.hosts.add(host);
    reportFindings(host);
  }
  const request = ProcessRequest._create({
    scope,
    ...what,
    plan: () => planOf(scope),
    startAfter: () => startAfterOf(scope),
  });
  registry.placed.set(scope.node.path, host.placeProcess(request));
}

/** The resources of the processes `scope` starts after, as their hosts answered (a refused host: none). */
function startAfterOf(scope: IConstruct): ITerraformDependable[] {
  const placed = registryOf(scope).placed;
  return planOf(scope).startAfter.flatMap((path) => placed.get(path)?.dependable ?? []);
}

/** What the host of the process `scope` answered when it was placed (none for a refused host). */
export function placedOf(scope: IConstruct): PlacedProcess | undefined {
  return registryOf(scope).placed.get(scope.node.path);
}
