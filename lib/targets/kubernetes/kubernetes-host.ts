import { ITerraformDependable, TerraformProvider, TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { error, formatFinding } from "../../core/findings";
import { MachineFacts, StoreModel } from "../../core/model";
import { ProcessKind, ProcessPlan } from "../../core/plan";
import { parseProperties } from "../../core/render/properties";
import { BROKER_CONFIG_PATH } from "../../core/render/servers";
import { PropsReader } from "../../input/reader";
import { reportInput } from "../../input/report";
import { field, readConstructProps, Schema } from "../../input/schema";
import { HostOccupant, IRocketMqHost, PlacedProcess, ProcessRequest, StoreRequest } from "../contract";
import { KubernetesApplier, manifestProvider, ManifestResource, SecretRevision, withSecretRevision } from "./appliers";
import {
  clientPorts,
  DEFAULT_NODE_PORTS,
  disruptionBudgets,
  externalServiceOf,
  groupOf,
  KubernetesObject,
  KubernetesPlacement,
  processAddress,
  processObjects,
  storeClaimName,
} from "./manifests";
import { yamlDocuments } from "./yaml";

/** How clients outside the Kubernetes cluster reach the brokers, name servers and proxies. */
export enum KubernetesExternalAccess {
  /**
   * Every port of a process is also opened on the node that runs it (`hostPort`), and a broker or a proxy advertises
   * that node's address (brokerIP1, remotingAccessAddr, read from the downward API when the pod starts): a client
   * outside dials node:port. Works on a bare cluster; two pods that open one port never share a node (the topology
   * report says how many nodes the namespace needs).
   */
  HOST_PORT = "hostPort",
  /**
   * Each name server, broker, proxy and console also gets a Service of type NodePort (`<process>-external`) whose node
   * ports are its client ports, the same number inside and out (a broker advertises one port): listenPort, a proxy's
   * remotingListenPort and grpcServerPort. A broker or a proxy advertises its node's address, as with host ports, and
   * its node routes to it alone (`externalTrafficPolicy: Local`: the server sees the client's address); the name
   * servers answer on every node, so namesrvAddr can list any nodes, wherever the pods run. Those ports must lie in
   * the cluster's node port range (`nodePortRange`) and differ across the namespace; the peers' ports (HA, DLedger,
   * controller) stay in the cluster, and no pod holds a port of its node (pods need no node each for their ports).
   */
  NODE_PORT = "nodePort",
  /** In-cluster addresses only: brokers advertise their Service names, which clients outside cannot resolve. */
  NONE = "none",
}

/** Whether peers of one group (a broker set, a raft group) may share a node. */
export enum KubernetesAntiAffinity {
  /** Never on one node (`requiredDuringScheduling`): a node's loss takes one member at most; a pod waits for a node. */
  REQUIRED = "required",
  /** On different nodes when the scheduler can (`preferredDuringScheduling`): a cluster of fewer nodes still runs. */
  PREFERRED = "preferred",
}

/** Props of a KubernetesHost: one namespace of one Kubernetes cluster. */
export interface KubernetesHostProps {
  /**
   * The namespace of every object (it must exist: the library does not own it, so `destroy` never deletes it and the
   * claims in it).
   * @default "rocketmq"
   */
  readonly namespace?: string;
  /**
   * The cluster's DNS domain: processes reach each other at `<process>.<namespace>.svc.<clusterDomain>`.
   * @default "cluster.local"
   */
  readonly clusterDomain?: string;
  /**
   * How clients outside the cluster reach the processes.
   * @default KubernetesExternalAccess.HOST_PORT
   */
  readonly externalAccess?: KubernetesExternalAccess;
  /**
   * The cluster's node port range (the API server's `--service-node-port-range`), for `KubernetesExternalAccess.NODE_PORT`.
   * @default "30000-32767"
   */
  readonly nodePortRange?: string;
  /**
   * The storage class of the stores' claims.
   * @default the cluster's default storage class
   */
  readonly storageClassName?: string;
  /**
   * The size of a broker's store claim (a Kubernetes quantity). It must hold two commit log files
   * (mappedFileSizeCommitLog, 1 GiB by default): the broker allocates the next one ahead.
   * @default "20Gi"
   */
  readonly brokerStoreSize?: string;
  /**
   * The size of the store claim of a name server or a controller (a Kubernetes quantity).
   * @default "1Gi"
   */
  readonly storeSize?: string;
  /**
   * Whether peers of one group (a broker set, a DLedger or controller group, the name servers) may share a node.
   * @default KubernetesAntiAffinity.REQUIRED
   */
  readonly antiAffinity?: KubernetesAntiAffinity;
  /**
   * The Terraform provider that applies the objects.
   * @default KubernetesApplier.KUBECTL
   */
  readonly applier?: KubernetesApplier;
  /**
   * The kubeconfig file the provider reads.
   * @default the provider's default: the file KUBE_CONFIG_PATH names
   */
  readonly configPath?: string;
  /**
   * The kubeconfig context the provider uses.
   * @default the kubeconfig's current context
   */
  readonly configContext?: string;
}

const SCHEMA: Schema<KubernetesHostProps> = {
  namespace: field.name('"rocketmq"'),
  clusterDomain: field.string({ literal: "the domain is written into every address", example: '"cluster.local"' }),
  externalAccess: field.enumOf(KubernetesExternalAccess, "KubernetesExternalAccess"),
  nodePortRange: field.string({ literal: "the range is checked at synth", example: '"30000-32767"' }),
  storageClassName: field.string({ example: '"standard"' }),
  brokerStoreSize: field.string({ literal: "the size is checked at synth", example: '"20Gi"' }),
  storeSize: field.string({ literal: "the size is checked at synth", example: '"1Gi"' }),
  antiAffinity: field.enumOf(KubernetesAntiAffinity, "KubernetesAntiAffinity"),
  applier: field.enumOf(KubernetesApplier, "KubernetesApplier"),
  configPath: field.string({ example: '"~/.kube/config"' }),
  configContext: field.string({ example: '"prod"' }),
};

/** The file of a host's manifests in the synthesized output, beside the stack's `cdk.tf.json`. */
export function manifestsFile(host: Construct): string {
  return `kubernetes-${host.node.path
    .split("/")
    .slice(1)
    .join("-")
    .replace(/[^A-Za-z0-9._-]/g, "_")}.yaml`;
}

const DEFAULT_BROKER_STORE = "20Gi";
const DEFAULT_STORE = "1Gi";
/** mappedFileSizeCommitLog's default: 1 GiB per commit log file (MessageStoreConfig). */
const DEFAULT_COMMIT_LOG_FILE = 1024 * 1024 * 1024;

/**
 * One namespace of one Kubernetes cluster: every RocketMQ process placed on it becomes a StatefulSet of one pod
 * (its own stable name, its own PersistentVolumeClaim, kept when the StatefulSet is deleted), a Service named as the
 * process (`<process>.<namespace>.svc.<domain>` is its address in namesrvAddr, dLegerPeers and brokerIP2), a ConfigMap
 * of the files the library generates (a Secret for the secret ones), and per group of peers a PodDisruptionBudget that
 * keeps a raft group's majority. The same documents are written as `kubernetes-<host>.yaml` beside the stack
 * (Secrets left out: their values are Terraform's), and applied by `cdktf deploy` through the kubectl provider.
 *
 * Experimental: its shape may change while the Kubernetes lab grows.
 */
export class KubernetesHost extends Construct implements IRocketMqHost {
  /** The namespace's service domain, `<namespace>.svc.<clusterDomain>`: every process has its own address in it. */
  public readonly address: string;
  /** The namespace of every object. */
  public readonly namespace: string;
  /** The provider (aliased) that applies this host's objects. */
  public readonly provider: TerraformProvider;
  private readonly applier: KubernetesApplier;
  private readonly placement: KubernetesPlacement;
  private readonly sizes: { broker: string; other: string };
  private readonly nodePorts: { min: number; max: number };
  private readonly placed: {
    path: string;
    processName: string;
    plan: () => ProcessPlan;
    resources: TerraformResource[];
  }[] = [];

  constructor(scope: Construct, id: string, props: KubernetesHostProps = {}) {
    super(scope, id);
    const r = new PropsReader(this.node.path);
    const { props: read } = readConstructProps(
      SCHEMA,
      props,
      r,
      { scope: this },
      {
        what: `KubernetesHost ${id}`,
        required: false,
        example: '{ namespace: "rocketmq" }',
      },
    );
    this.namespace = read.namespace ?? "rocketmq";
    const clusterDomain = read.clusterDomain ?? "cluster.local";
    this.sizes = {
      broker: checkedSize(r, "brokerStoreSize", read.brokerStoreSize, DEFAULT_BROKER_STORE),
      other: checkedSize(r, "storeSize", read.storeSize, DEFAULT_STORE),
    };
    this.nodePorts = checkedRange(r, read.nodePortRange);
    this.placement = {
      namespace: this.namespace,
      clusterDomain,
      externalAccess: read.externalAccess ?? KubernetesExternalAccess.HOST_PORT,
      ...(read.storageClassName !== undefined ? { storageClassName: read.storageClassName } : {}),
      storeSize: (kind) => (kind === ProcessKind.BROKER ? this.sizes.broker : this.sizes.other),
      antiAffinity: read.antiAffinity ?? KubernetesAntiAffinity.REQUIRED,
    };
    this.address = `${this.namespace}.svc.${clusterDomain}`;
    reportInput(this, r.findings);
    this.applier = read.applier ?? KubernetesApplier.KUBECTL;
    this.provider = manifestProvider(this, "provider", this.applier, {
      alias: id,
      ...(read.configPath !== undefined ? { configPath: read.configPath } : {}),
      ...(read.configContext !== undefined ? { configContext: read.configContext } : {}),
    });
    this.node.addValidation({ validate: () => this.problems() });
  }

  /** The manifests file, `kubernetes-<host path>.yaml`, written beside the stack when a process is placed here. */
  public get outputFiles(): Record<string, string> | undefined {
    return this.placed.length === 0 ? {} : { [manifestsFile(this)]: this.renderManifests() };
  }

  /**
   * Every object of the host as YAML, for `kubectl apply -f` and GitOps: the documents `cdktf deploy` applies, except
   * the Secrets, whose values come from Terraform (a header names each, to be made before applying the file).
   */
  public renderManifests(): string {
    const objects = this._objects();
    const secrets = objects.filter((o) => o.kind === "Secret").map((o) => o.metadata!.name!);
    const header = [
      `# RocketMQ processes of ${this.node.path}, namespace ${this.namespace}: generated by rocketmq-cdktf, applied by cdktf deploy.`,
      ...(secrets.length
        ? [
            `# Left out, as their values are Terraform's: the Secret${secrets.length > 1 ? "s" : ""} ${secrets.join(", ")}.`,
          ]
        : []),
    ];
    return `${header.join("\n")}\n${yamlDocuments(objects.filter((o) => o.kind !== "Secret"))}`;
  }

  /** Every object of the host in the order they are applied: per process its files, Service and StatefulSet; then the budgets. */
  /** @internal */
  public _objects(): KubernetesObject[] {
    const plans = this.placed.map((p) => p.plan());
    return [
      ...plans.flatMap((plan) => processObjects(plan, this.placement)),
      ...disruptionBudgets(plans, this.placement),
    ];
  }

  /**
   * A process's store is a PersistentVolumeClaim of its own: the one its StatefulSet makes (`store-<process>-0`), or
   * the claim `store.volume` names (one the user made). A directory of a node has no meaning here: the facts say so,
   * and the rules refuse `store.hostPath` (`stores/host-directory`).
   */
  public storeOf(r: StoreRequest): StoreModel {
    const allowDestroy = r.store?.allowDestroy ?? r.clusterAllowsDestroy ?? false;
    return { volume: r.store?.volume ?? storeClaimName(r.processName), mountPath: r.containerPath, allowDestroy };
  }

  /** The process's ConfigMap, Secret, Service and StatefulSet, and its group's budget when it is the group's first. */
  public placeProcess(request: ProcessRequest): PlacedProcess {
    const scope = request.scope;
    const plan = () => request.plan();
    const of = (kind: string) => () => processObjects(plan(), this.placement).find((o) => o.kind === kind);
    const manifest = (
      id: string,
      doc: () => KubernetesObject | undefined,
      after: () => ITerraformDependable[] = () => [],
    ) => new ManifestResource(scope, id, this.applier, this.provider, doc, after);
    const files = manifest("files", of("ConfigMap"));
    const secret = manifest("secret", of("Secret"));
    const service = manifest("service", of("Service"));
    const external = manifest("external", () => externalServiceOf(plan(), this.placement));
    const budget = manifest("peers", () => this.budgetOwnedBy(request.processName));
    const revision = new SecretRevision(scope, "secret-revision", of("Secret"));
    const statefulSet = manifest(
      "statefulset",
      () => withSecretRevision(of("StatefulSet")(), revision),
      () => [files, secret, service, ...request.startAfter()],
    );
    this.placed.push({
      path: request.path,
      processName: request.processName,
      plan,
      resources: [files, secret, revision, service, external, statefulSet, budget],
    });
    return { dependable: statefulSet, address: processAddress(request.processName, this.placement) };
  }

  /** The budget of the group whose first member (by name) is `processName`. */
  private budgetOwnedBy(processName: string): KubernetesObject | undefined {
    const plans = this.placed.map((p) => p.plan());
    const mine = plans.find((p) => p.containerName === processName);
    const group = mine && groupOf(mine);
    if (group === undefined) return undefined;
    const members = plans
      .filter((p) => groupOf(p) === group)
      .map((p) => p.containerName)
      .sort();
    if (members[0] !== processName) return undefined;
    return disruptionBudgets(plans, this.placement).find(
      (b) => b.spec?.selector?.matchLabels?.["rocketmq.apache.org/group"] === group,
    );
  }

  /**
   * What the namespace's processes share: nothing of a machine (each pod has its own network, its own claim), but the
   * ports of a node (hostPort) and so, wherever the scheduler places them, one port plan.
   */
  public get facts(): MachineFacts {
    return {
      address: this.address,
      isolatedLoopback: true,
      namedVolumes: true,
      hostDirectories: false,
      containerImages: true,
      memoryLimits: true,
      // Pods run as uid 3000 with every capability dropped: ports below 1024 are refused to them.
      privilegedPorts: false,
      machinePerProcess: true,
      description: "a Kubernetes namespace",
    };
  }

  /**
   * For the topology report: the fewest schedulable nodes the namespace's pods need, and why: peers of one group never
   * share a node (required anti-affinity), nor do pods that open one port on their node (hostPort).
   */
  public get reportNotes(): string[] | undefined {
    let plans: ProcessPlan[];
    try {
      plans = this.placed.map((p) => p.plan());
    } catch {
      return [];
    }
    if (plans.length === 0) return [];
    const reasons: { count: number; why: string }[] = [];
    if (this.placement.antiAffinity === "required") {
      const groups = new Map<string, number>();
      for (const p of plans) {
        const g = groupOf(p);
        if (g !== undefined) groups.set(g, (groups.get(g) ?? 0) + 1);
      }
      const [group, count] = [...groups.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0] ?? [];
      if (group !== undefined && count > 1)
        reasons.push({ count: count, why: `the ${count} peers of ${group} never share a node` });
    }
    if (this.placement.externalAccess === "hostPort") {
      const byPort = new Map<number, number>();
      for (const p of plans)
        for (const port of new Set(p.ports.map((u) => u.port))) byPort.set(port, (byPort.get(port) ?? 0) + 1);
      const [port, count] = [...byPort.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0] ?? [];
      if (port !== undefined && count > 1)
        reasons.push({ count: count, why: `${count} pods open port ${port} on their node (hostPort)` });
    }
    const need = Math.max(1, ...reasons.map((r) => r.count));
    return [
      `Namespace ${this.namespace}: at least ${need} schedulable node${need > 1 ? "s" : ""}${reasons.length ? ` (${reasons.map((r) => r.why).join("; ")})` : ""}; a pod without one stays Pending.`,
    ];
  }

  /** Nothing else in the namespace is known to the library. */
  public occupants(): HostOccupant[] {
    return [];
  }

  /** Names Kubernetes refuses: a process name is a StatefulSet's, a Service's and a DNS label's. */
  private problems(): string[] {
    let plans: ProcessPlan[];
    try {
      plans = this.placed.map((p) => p.plan());
    } catch {
      return [];
    }
    return [
      ...this.claimProblems(plans),
      ...this.nameProblems(plans),
      ...this.sharedProblems(plans),
      ...this.nodePortProblems(plans),
    ];
  }

  /**
   * What the namespace's processes share although each runs on a machine of its own: object names (two processes of
   * one name would be one StatefulSet) and claims (a ReadWriteOnce claim mounts on one node, and two brokers in one
   * store fail with "Lock failed").
   */
  private sharedProblems(plans: ProcessPlan[]): string[] {
    const out: string[] = [];
    const twice = <K>(key: (p: ProcessPlan) => K | undefined) => {
      const seen = new Map<K, ProcessPlan[]>();
      for (const p of plans) {
        const k = key(p);
        if (k !== undefined) seen.set(k, [...(seen.get(k) ?? []), p]);
      }
      return [...seen.entries()].filter(([, ps]) => ps.length > 1);
    };
    for (const [name, ps] of twice((p) => p.containerName)) {
      const [first, ...rest] = ps.map((p) => p.path).sort();
      out.push(
        formatFinding(
          error(
            rest[0],
            "names/duplicate",
            `${rest.join(" and ")} and ${first} are all named ${JSON.stringify(name)} in namespace ${this.namespace}: Kubernetes would make them one StatefulSet and one Service, the last applied winning.`,
            `Set containerName of ${rest.join(" and ")} to a name of its own, e.g. containerName: "${name}-2".`,
          ),
        ),
      );
    }
    for (const [claim, ps] of twice((p) => p.store?.volume)) {
      const paths = ps.map((p) => p.path).sort();
      out.push(
        formatFinding(
          error(
            paths[1],
            "stores/shared",
            `${paths.join(" and ")} keep their stores in the one claim ${JSON.stringify(claim)}: a ReadWriteOnce claim mounts on one node only, and two RocketMQ processes in one store fail with "Lock failed".`,
            `Give each its own claim: remove store from ${paths.slice(1).join(" and ")} (each then gets ${storeClaimName("<process>")}).`,
          ),
        ),
      );
    }
    return out;
  }

  /**
   * A broker claim (made from the host's `brokerStoreSize`) that holds less than two commit log files: the broker
   * maps the next file while it writes the current one (AllocateMappedFileService), and refuses messages without it.
   */
  private claimProblems(plans: ProcessPlan[]): string[] {
    const needed = plans
      .filter((p) => p.kind === ProcessKind.BROKER && p.store?.volume === storeClaimName(p.containerName))
      .map((p) => {
        const conf = p.files.find((f) => f.path === BROKER_CONFIG_PATH)?.content ?? "";
        const size = Number(parseProperties(conf).mappedFileSizeCommitLog ?? DEFAULT_COMMIT_LOG_FILE);
        return { path: p.path, bytes: 2 * (Number.isFinite(size) && size > 0 ? size : DEFAULT_COMMIT_LOG_FILE) };
      })
      .sort((a, b) => b.bytes - a.bytes);
    const claim = quantityBytes(this.sizes.broker) ?? 0;
    if (needed.length === 0 || claim >= needed[0].bytes) return [];
    const gib = Math.ceil(needed[0].bytes / 2 ** 30);
    return [
      formatFinding(
        error(
          this.node.path,
          "stores/claim-size",
          `brokerStoreSize ${JSON.stringify(this.sizes.broker)} holds less than two commit log files (${needed[0].bytes / 2} bytes each, mappedFileSizeCommitLog of ${needed[0].path}): the broker maps the next file while it writes the current one, and stops taking messages when it cannot.`,
          `Set brokerStoreSize to at least "${gib}Gi" (what the topics keep comes on top), e.g. brokerStoreSize: "${Math.max(gib, 20)}Gi".`,
        ),
      ),
    ];
  }

  /**
   * With node ports, a client port is a node port of the whole cluster: it must lie in the cluster's range, and be one
   * process's only (the API server refuses a second Service on it). Each fix names a port that is free and in range.
   */
  private nodePortProblems(plans: ProcessPlan[]): string[] {
    if (this.placement.externalAccess !== "nodePort") return [];
    const { min, max } = this.nodePorts;
    const uses = [...plans]
      .sort((a, b) => a.path.localeCompare(b.path))
      .flatMap((plan) => clientPorts(plan).map((use) => ({ plan, use })));
    const taken = new Set(uses.map((u) => u.use.port));
    const free = (port: number) => {
      let candidate = port >= min && port <= max ? port : min + (port % 1000);
      for (let i = 0; taken.has(candidate) && i <= max - min; i++) candidate = candidate >= max ? min : candidate + 1;
      taken.add(candidate);
      return candidate;
    };
    const out: string[] = [];
    const first = new Map<number, string>();
    for (const { plan, use } of uses) {
      const what = `${use.prop} of ${use.owner} (${use.path})`;
      const inside = `with KubernetesExternalAccess.NODE_PORT it is also its node port, the same number inside the cluster and out${plan.kind === ProcessKind.BROKER ? " (a broker advertises one port)" : ""}`;
      if (use.port < min || use.port > max) {
        out.push(
          formatFinding(
            error(
              use.path,
              "ports/node-port-range",
              `${what} is ${use.port}: ${inside}, and the node ports of ${this.node.path} lie in ${min}-${max} (nodePortRange).`,
              `Set ${use.prop} of ${use.path} to a free port in ${min}-${max}, e.g. ${use.prop}: ${free(use.port)}.`,
            ),
          ),
        );
        continue;
      }
      const owner = first.get(use.port);
      if (owner === undefined) {
        first.set(use.port, what);
        continue;
      }
      out.push(
        formatFinding(
          error(
            use.path,
            "ports/node-port-shared",
            `${what} is ${use.port}, as is ${owner}: ${inside}, and a node port is one Service's in the whole cluster (the API server refuses the second).`,
            `Set ${use.prop} of ${use.path} to another port in ${min}-${max}, e.g. ${use.prop}: ${free(use.port)}.`,
          ),
        ),
      );
    }
    return out;
  }

  /** Process names Kubernetes refuses for a StatefulSet and its Service. */
  private nameProblems(plans: ProcessPlan[]): string[] {
    return plans
      .filter((p) => !/^[a-z]([a-z0-9-]{0,50}[a-z0-9])?$/.test(p.containerName))
      .map((p) =>
        formatFinding(
          error(
            p.path,
            "hosts/kubernetes-name",
            `the process name ${JSON.stringify(p.containerName)} is not a Kubernetes name for a StatefulSet and its Service: at most 52 characters of a-z, 0-9 and '-', starting with a letter and ending with a letter or digit (the pod's revision label adds 11).`,
            `Set containerName of ${p.path} to such a name, e.g. containerName: "${kubernetesName(p.containerName)}".`,
          ),
        ),
      );
  }
}

/** `s` made a Kubernetes name of at most 52 characters. */
function kubernetesName(s: string): string {
  const n = s
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .replace(/^[^a-z]+/, "")
    .slice(0, 52)
    .replace(/-+$/, "");
  return n || "rocketmq";
}

/** The node port range `min-max`, or the default with an error naming the prop. */
function checkedRange(r: PropsReader, value: string | undefined): { min: number; max: number } {
  if (value === undefined) return { ...DEFAULT_NODE_PORTS };
  const m = /^(\d{1,5})-(\d{1,5})$/.exec(value.trim());
  const [min, max] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (min >= 1 && min <= max && max <= 65535) return { min, max };
  r.findings.push(
    error(
      r.path,
      "props/value",
      `nodePortRange ${JSON.stringify(value)} is not a port range: the API server's --service-node-port-range is two ports, the first not above the second.`,
      `Write it as the API server's flag gives it, e.g. nodePortRange: "${DEFAULT_NODE_PORTS.min}-${DEFAULT_NODE_PORTS.max}".`,
    ),
  );
  return { ...DEFAULT_NODE_PORTS };
}

/** A Kubernetes quantity of bytes (`20Gi`, `500M`), or the default with an error naming the prop. */
function checkedSize(r: PropsReader, prop: string, value: string | undefined, fallback: string): string {
  if (value === undefined) return fallback;
  if (quantityBytes(value) !== undefined) return value;
  r.findings.push(
    error(
      r.path,
      "props/value",
      `${prop} ${JSON.stringify(value)} is not a Kubernetes quantity of bytes: the API server refuses the claim.`,
      `Write it as a number with a unit, e.g. ${prop}: "${fallback}".`,
    ),
  );
  return fallback;
}

const UNITS: Record<string, number> = {
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
};

/** The bytes of a Kubernetes quantity (`20Gi`, `1.5G`, `512Mi`), or undefined. */
export function quantityBytes(q: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(|k|M|G|T|P|Ki|Mi|Gi|Ti|Pi)$/.exec(String(q).trim());
  if (!m) return undefined;
  const bytes = Number(m[1]) * UNITS[m[2]];
  return bytes > 0 ? Math.floor(bytes) : undefined;
}
