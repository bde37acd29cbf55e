/**
 * Collects the RocketMQ constructs of a stack into the core's topology model, at synth time,
 * and answers the findings and process plans from it. Declaration order never matters: the
 * model is built when Terraform JSON is produced, from every construct of the stack.
 *
 * One straight road, once per synth: the constructs register with their stack when they are
 * created; the first question at synth builds the model, the findings and the plans, and every
 * later question (an attribute, a validation, a depends_on) is a lookup in them. Adding a
 * construct drops them, so the next question rebuilds them.
 */
import { TerraformStack } from "cdktf";
import { IConstruct } from "constructs";
import { Finding } from "../core/findings";
import { BrokerSetModel, ClusterModel, HostModel, TopologyModel } from "../core/model";
import { planTopology, ProcessPlan } from "../core/plan";
import { checkTopology } from "../core/rules";
import { hostModelOf, IRocketMqHost, isRocketMqHost, PlacedProcess } from "../targets/contract";

/** Implemented by RocketMqCluster; kept as an interface so this file does not import the constructs. */
export interface ClusterSource extends IConstruct {
  /** @internal */
  _toModel(): TopologyModel["clusters"][number];
}

/** What a stack declares, in the order it was declared: the sources of its model. */
export interface Registry {
  readonly clusters: ClusterSource[];
  /** The hosts processes were placed on, in the order of their first process. */
  readonly hosts: Set<IRocketMqHost>;
  /** Paths of the constructs that report the findings at their path (see reportFindings). */
  readonly reporters: Set<string>;
  /** What each host answered for each process placed on it, by the process's path. */
  readonly placed: Map<string, PlacedProcess>;
}

const registries = new WeakMap<TerraformStack, Registry>();

const CLUSTER = Symbol.for("rocketmq-cdktf.RocketMqCluster");

/** The registry of the stack of `scope` (for the placement of processes, see placement.ts). */
export function registryOf(scope: IConstruct): Registry {
  const stack = TerraformStack.of(scope);
  let r = registries.get(stack);
  if (!r) {
    r = { clusters: [], hosts: new Set(), reporters: new Set(), placed: new Map() };
    registries.set(stack, r);
  }
  return r;
}

export function markCluster(c: IConstruct): void {
  (c as unknown as Record<symbol, boolean>)[CLUSTER] = true;
  registryOf(c).clusters.push(c as ClusterSource);
}

interface Analysis {
  readonly model: TopologyModel;
  readonly findings: Finding[];
  readonly plans: Map<string, ProcessPlan>;
  readonly clusters: Map<string, ClusterModel>;
  /** Every broker set (BrokerPair, DLedgerGroup, ControllerBrokerSet) of every cluster, by its path. */
  readonly brokerSets: Map<string, BrokerSetModel>;
  /** The findings by the path of the construct that reports them (built at the first validation). */
  byReporter?: Map<string, Finding[]>;
}

/**
 * The analyses of an app's stacks, by the app (the construct tree's root). Per-machine rules (ports, stores, container
 * and volume names) must see every stack of the app: two stacks that place processes on one machine are deployed side
 * by side, and the second deploy would fail on the first one's ports. So the rules run once over every stack's model
 * together, and each stack keeps the findings at its own paths; the plans stay each stack's own.
 */
interface AppAnalysis {
  readonly stacks: Map<TerraformStack, Analysis>;
  /** Each stack's model, built once (for its own analysis and for the app's findings). */
  readonly models: Map<TerraformStack, TopologyModel>;
  /** Every finding of the app's stacks together, by the stack whose construct path it is at. */
  findings?: Map<TerraformStack, Finding[]>;
}

const cache = new WeakMap<IConstruct, AppAnalysis>();

/** Call when a RocketMQ construct is added: the next question rebuilds the model (of every stack of the app). */
export function invalidate(scope: IConstruct): void {
  cache.delete(scope.node.root);
}

export function analysisOf(scope: IConstruct): Analysis {
  const stack = TerraformStack.of(scope);
  const root = stack.node.root;
  let app = cache.get(root);
  if (!app) {
    app = { stacks: new Map(), models: new Map() };
    cache.set(root, app);
  }
  let a = app.stacks.get(stack);
  if (!a) {
    const model = modelOfCached(app, stack);
    a = {
      model,
      findings: appFindings(root, app, stack),
      plans: new Map(planTopology(model).map((p) => [p.path, p])),
      clusters: new Map(model.clusters.map((c) => [c.path, c])),
      brokerSets: new Map(model.clusters.flatMap((c) => c.brokerSets.map((s) => [s.path, s] as const))),
    };
    app.stacks.set(stack, a);
  }
  return a;
}

/**
 * The findings of `stack`, from the rules run once over the models of every stack of the app that declares RocketMQ
 * processes or hosts and is not deployed alone (only this stack's when it is deployed alone or the only one). A
 * finding goes to the stack its path is in; one at a path of no stack (none is expected) to the first stack.
 */
function appFindings(root: IConstruct, app: AppAnalysis, stack: TerraformStack): Finding[] {
  if (deployedAlone.has(stack)) return checkTopology(modelOfCached(app, stack));
  if (!app.findings) {
    const stacks = root.node
      .findAll()
      .filter((c): c is TerraformStack => TerraformStack.isStack(c))
      .filter((s) => s === stack || (!deployedAlone.has(s) && declaresRocketMq(s)));
    const models = stacks.map((s) => modelOfCached(app, s));
    const findings = checkTopology({
      clusters: models.flatMap((m) => m.clusters),
      hosts: models.flatMap((m) => m.hosts),
      foreign: models.flatMap((m) => m.foreign ?? []),
    });
    const byStack = new Map<TerraformStack, Finding[]>(stacks.map((s) => [s, []]));
    for (const f of findings) {
      const owner = stacks.find((s) => f.path === s.node.path || f.path.startsWith(`${s.node.path}/`)) ?? stacks[0];
      byStack.get(owner)!.push(f);
    }
    app.findings = byStack;
  }
  return app.findings.get(stack) ?? [];
}

/** The stacks said to be deployed alone (RocketMqApp.deployedAlone). */
const deployedAlone = new WeakSet<TerraformStack>();

/** Records that `stack` is never deployed beside the app's other stacks: its per-machine rules see only itself. */
export function markDeployedAlone(stack: TerraformStack): void {
  deployedAlone.add(stack);
  invalidate(stack);
}

export function modelOf(stack: TerraformStack): TopologyModel {
  const r = registries.get(stack);
  const clusters = (r?.clusters ?? []).map((c) => c._toModel());
  // Every host of the stack, also one that runs nothing yet (its machine may be another host's).
  const declared = stack.node.findAll().filter(isRocketMqHost);
  const hosts: HostModel[] = declared.map((h) => hostModelOf(h));
  // What else takes ports and names on a host (the user's own containers on its engine), asked once per model.
  const foreign = declared.flatMap((h) => h.occupants().map((o) => ({ ...o, hostPath: h.node.path })));
  return { clusters, hosts, foreign };
}

function modelOfCached(app: AppAnalysis, stack: TerraformStack): TopologyModel {
  let m = app.models.get(stack);
  if (!m) {
    m = modelOf(stack);
    app.models.set(stack, m);
  }
  return m;
}

/** Whether a stack has a RocketMQ cluster or host (stacks without any add nothing to the rules). */
function declaresRocketMq(stack: TerraformStack): boolean {
  return (registries.get(stack)?.clusters.length ?? 0) > 0 || stack.node.findAll().some(isRocketMqHost);
}

/** The model of the cluster `scope` (a RocketMqCluster), from this synth's analysis. */
export function clusterModelOf(scope: IConstruct): ClusterModel {
  const model = analysisOf(scope).clusters.get(scope.node.path);
  if (!model) throw new Error(`${scope.node.path}: not a RocketMQ cluster of this stack`);
  return model;
}

/** The model of the broker set at `path` in the stack of `scope`, from this synth's analysis (an index lookup). */
export function brokerSetModelOf(scope: IConstruct, path: string): BrokerSetModel | undefined {
  return analysisOf(scope).brokerSets.get(path);
}

/** Records that `scope` reports the findings at its path (see reportFindings). */
export function registerReporter(scope: IConstruct): void {
  registryOf(scope).reporters.add(scope.node.path);
  const stack = TerraformStack.of(scope);
  const a = cache.get(stack.node.root)?.stacks.get(stack);
  if (a) a.byReporter = undefined;
}

/**
 * The findings at this construct's path. A finding whose path no construct reports (it should not
 * happen) goes to the nearest reporting ancestor, or to the first cluster: never dropped.
 */
export function findingsAt(scope: IConstruct): Finding[] {
  const a = analysisOf(scope);
  if (!a.byReporter) a.byReporter = byReporter(TerraformStack.of(scope), a.findings);
  return a.byReporter.get(scope.node.path) ?? [];
}

function byReporter(stack: TerraformStack, findings: readonly Finding[]): Map<string, Finding[]> {
  const known = registries.get(stack)?.reporters ?? new Set<string>();
  const out = new Map<string, Finding[]>();
  let firstCluster: string | undefined | null = null;
  for (const f of findings) {
    let owner: string | undefined;
    for (let p = f.path; p && !owner; p = p.includes("/") ? p.slice(0, p.lastIndexOf("/")) : "")
      if (known.has(p)) owner = p;
    if (!owner) {
      // The first cluster in construct order (declaration order may differ); only found when needed.
      if (firstCluster === null)
        firstCluster = stack.node.findAll().find((c) => (c as unknown as Record<symbol, boolean>)[CLUSTER])?.node.path;
      owner = firstCluster;
    }
    if (owner === undefined) continue;
    const list = out.get(owner) ?? [];
    list.push(f);
    out.set(owner, list);
  }
  return out;
}

export function planOf(scope: IConstruct): ProcessPlan {
  const plan = analysisOf(scope).plans.get(scope.node.path);
  if (!plan)
    throw new Error(`${scope.node.path}: no RocketMQ process is planned here; is it inside a RocketMqCluster?`);
  return plan;
}
