/**
 * Collects the RocketMQ constructs of a stack into the core's topology model, at synth time,
 * and answers the findings and process plans from it. Declaration order never matters: the
 * model is built when Terraform JSON is produced, from every construct of the stack.
 */
import { TerraformStack } from "cdktf";
import { IConstruct } from "constructs";
import { Finding } from "../core/findings";
import { HostModel, TopologyModel } from "../core/model";
import { planTopology, ProcessPlan } from "../core/plan";
import { checkTopology } from "../core/rules";

/** Implemented by RocketMqCluster; kept as an interface so this file does not import the constructs. */
export interface ClusterSource extends IConstruct {
  /** @internal */
  _toModel(): TopologyModel["clusters"][number];
}

interface HostSource extends IConstruct {
  readonly address: string;
  readonly isolatedLoopback: boolean;
}

const CLUSTER = Symbol.for("rocketmq-cdktf.RocketMqCluster");
const HOST = Symbol.for("rocketmq-cdktf.Host");

export function markCluster(c: IConstruct): void {
  (c as any)[CLUSTER] = true;
}
export function markHost(h: IConstruct): void {
  (h as any)[HOST] = true;
}

interface Analysis {
  readonly model: TopologyModel;
  readonly findings: Finding[];
  readonly plans: Map<string, ProcessPlan>;
}

const cache = new WeakMap<TerraformStack, Analysis>();

/** Call when a RocketMQ construct is added: the next question rebuilds the model. */
export function invalidate(scope: IConstruct): void {
  cache.delete(TerraformStack.of(scope));
}

export function analysisOf(scope: IConstruct): Analysis {
  const stack = TerraformStack.of(scope);
  let a = cache.get(stack);
  if (!a) {
    const model = modelOf(stack);
    a = { model, findings: checkTopology(model), plans: new Map(planTopology(model).map((p) => [p.path, p])) };
    cache.set(stack, a);
  }
  return a;
}

export function modelOf(stack: TerraformStack): TopologyModel {
  const all = stack.node.findAll();
  const clusters = all.filter((c) => (c as any)[CLUSTER]).map((c) => (c as ClusterSource)._toModel());
  const hosts: HostModel[] = all.filter((c) => (c as any)[HOST]).map((h) => ({ path: h.node.path, address: (h as HostSource).address, isolatedLoopback: (h as HostSource).isolatedLoopback }));
  return { clusters, hosts };
}

const reporters = new WeakMap<TerraformStack, Set<string>>();

/** Records that `scope` reports the findings at its path (see reportFindings). */
export function registerReporter(scope: IConstruct): void {
  const stack = TerraformStack.of(scope);
  const set = reporters.get(stack) ?? new Set<string>();
  set.add(scope.node.path);
  reporters.set(stack, set);
}

/**
 * The findings at this construct's path. A finding whose path no construct reports (it should not
 * happen) goes to the nearest reporting ancestor, or to the first cluster: never dropped.
 */
export function findingsAt(scope: IConstruct): Finding[] {
  const stack = TerraformStack.of(scope);
  const known = reporters.get(stack) ?? new Set<string>();
  const owner = (path: string): string | undefined => {
    for (let p = path; p; p = p.includes("/") ? p.slice(0, p.lastIndexOf("/")) : "") if (known.has(p)) return p;
    return analysisOf(scope).model.clusters[0]?.path;
  };
  return analysisOf(scope).findings.filter((f) => owner(f.path) === scope.node.path);
}

export function planOf(scope: IConstruct): ProcessPlan {
  const plan = analysisOf(scope).plans.get(scope.node.path);
  if (!plan) throw new Error(`${scope.node.path}: no RocketMQ process is planned here; is it inside a RocketMqCluster?`);
  return plan;
}
