/**
 * The contract between the model and a target: what the library hands a host for each process placed on it, and what
 * the host answers. A target is a host construct that implements `IRocketMqHost` (DockerHost, VmHost, or your own,
 * in any jsii language); nothing here depends on which target it is.
 *
 * The road of one process (see docs/architecture.md):
 * 1. when the process is declared, the library asks its host where its store lives (`storeOf`), then hands the host a
 *    `ProcessRequest` (`placeProcess`); the host creates the resources that will run the process, under
 *    `request.scope`, and answers a `PlacedProcess` (the resource other processes start after);
 * 2. at synth, `request.plan()` is the process's `ProcessPlan` (command, files, environment, ports, store, memory), and
 *    `request.startAfter()` the resources of the processes that must start first; the host fills its resources from
 *    them;
 * 3. the rules read the host's `facts` (what its processes share: loopback, ports, directories, volumes) and its
 *    `occupants()` (what else takes ports and names there), never the host's class.
 */
import { ITerraformDependable, TerraformResource } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { HostModel, MachineFacts, StoreModel } from "../core/model";
import { ProcessKind, ProcessPlan } from "../core/plan";
import { normaliseHostPath } from "../core/rules/stores";

/** Where a process keeps its data on its host. Set at most one of `volume` and `hostPath`. */
export interface StoreProps {
  /**
   * Named volume of the host's engine. It outlives the container, so replacing a container keeps the commit log.
   * @default `<containerName>-store` on a Docker engine; a directory of the machine where the host has no named volumes
   */
  readonly volume?: string;
  /**
   * Directory of the machine (bind-mounted into a container). Docker creates it when missing; a one-shot container
   * hands it to the user RocketMQ runs as (the cluster's `runAs`) before the server starts.
   * @default none: a named volume (a VM: `/var/lib/rocketmq/<containerName>`)
   */
  readonly hostPath?: string;
  /**
   * Let Terraform delete this store's named volume on `destroy` or when a change replaces it. Off, the
   * volume carries `prevent_destroy`: a plan that would delete it fails, and the commit log stays.
   * @default the cluster's `allowStoreDestroy` (false)
   */
  readonly allowDestroy?: boolean;
}

/** What a process asks of its host for its store: the user's `store` props, read and checked. */
export interface StoreRequest {
  /**
   * The user's store props.
   * @default none: the host's default store for the process
   */
  readonly store?: StoreProps;
  /** The process's name on its host (its container name): names the default volume or directory. */
  readonly processName: string;
  /** Where the official image keeps this kind of store (`/home/rocketmq/store`, `/home/rocketmq/namesrv`, ...). */
  readonly containerPath: string;
  /**
   * The cluster's `allowStoreDestroy`.
   * @default false
   */
  readonly clusterAllowsDestroy?: boolean;
}

/** What a host answers for a process it placed. */
export interface PlacedProcess {
  /**
   * The resource that runs the process: the resources of processes that start after it depend on it
   * (`depends_on`), on whichever host they are.
   * @default none: nothing to wait for (the host's processes are ordered by the machine itself, as systemd units)
   */
  readonly dependable?: ITerraformDependable;
  /**
   * The address of this process itself, when the host gives each of its processes one of its own (a Kubernetes
   * Service name): the plans write it instead of the host's `address` (brokerIP1, namesrvAddr, dLegerPeers).
   * @default the host's `address`
   */
  readonly address?: string;
}

/** Something on a host that the library did not place (the user's own container): its name and ports are taken. */
export interface HostOccupant {
  /** Its construct path, for messages. */
  readonly path: string;
  /**
   * Its name on the host (a container name), when known at synth.
   * @default none
   */
  readonly name?: string;
  /** The host ports it takes. */
  readonly ports: number[];
}

/**
 * A machine that runs RocketMQ processes: a target implements it. `DockerHost` runs each process as a docker_container
 * on its machine's engine, `VmHost` as a systemd unit of the VM's cloud-init user-data. Implement it (in any jsii
 * language) to run the same processes elsewhere: the rules and the plans are the same for every host.
 */
export interface IRocketMqHost extends IConstruct {
  /** Address clients and peers use to reach processes on this host (brokerIP1, namesrvAddr, dLegerPeers). */
  readonly address: string;
  /** What the machine is and what the processes placed on it share; every per-machine rule reads these. */
  readonly facts: MachineFacts;
  /**
   * Where a process's store lives on this host, and the path the process sees it at: a container sees its volume or
   * host directory at the image's path (`request.containerPath`), a process on a VM a directory of the VM. A host whose
   * facts say it has no named volumes answers a directory: the rules refuse a requested `store.volume` themselves.
   */
  storeOf(request: StoreRequest): StoreModel;
  /**
   * Creates, under `request.scope`, the resources that will run one process, when the process is declared. Their
   * attributes come from `request.plan()`, which exists at synth only (it depends on constructs declared later).
   */
  placeProcess(request: ProcessRequest): PlacedProcess;
  /** What else on this host takes names and ports (the user's own containers); asked once per synth. */
  occupants(): HostOccupant[];
  /**
   * Lines the topology report prints under the host's table: what only the target knows and a reviewer should see
   * (a VM's user-data size against the providers' limits). Asked at synth, after every process is placed.
   * @default none
   */
  readonly reportNotes?: string[];
  /**
   * Files the host writes beside the stack's `cdk.tf.json` at synth, by file name (no folder): what only the target
   * renders and a user applies or reviews without Terraform (a Kubernetes namespace's manifests). Asked at synth,
   * after every process is placed.
   * @default none
   */
  readonly outputFiles?: Record<string, string>;
}

/** True for a host the library can place a process on: an object that implements `IRocketMqHost`. */
export function isRocketMqHost(value: unknown): value is IRocketMqHost {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const v = value as Partial<Record<keyof IRocketMqHost, unknown>>;
  return (
    typeof v.placeProcess === "function" &&
    typeof v.storeOf === "function" &&
    typeof v.occupants === "function" &&
    v.node !== undefined &&
    typeof v.address === "string"
  );
}

/**
 * The host as the model sees it: its facts at its construct path; for a process the host gave an address of its own
 * (`placed.address`), with that address.
 */
export function hostModelOf(host: IRocketMqHost, placed?: PlacedProcess): HostModel {
  const facts = host.facts;
  const own = placed?.address !== undefined ? { address: placed.address, hostAddress: facts.address } : {};
  return { ...facts, ...own, path: host.node.path };
}

/**
 * One process handed to its host: where to create its resources, what it is, its store, and (at synth) its plan and
 * the resources it starts after. Made by the library.
 */
export class ProcessRequest {
  /** @internal */
  public static _create(init: ProcessRequestInit): ProcessRequest {
    return new ProcessRequest(init);
  }

  /** The process's construct: create the process's resources under it. */
  public readonly scope: Construct;
  /** Which RocketMQ process. */
  public readonly kind: ProcessKind;
  /** The process's name on its host (its container name). */
  public readonly processName: string;
  /**
   * Its store, as the host placed it (`storeOf`).
   * @default none: a stateless process
   */
  public readonly store?: StoreModel;
  private readonly init: ProcessRequestInit;

  private constructor(init: ProcessRequestInit) {
    this.init = init;
    this.scope = init.scope;
    this.kind = init.kind;
    this.processName = init.processName;
    this.store = init.store;
  }

  /** The construct path of the process. */
  public get path(): string {
    return this.scope.node.path;
  }

  /** The process's plan: ask at synth (it depends on constructs declared after the process). */
  public plan(): ProcessPlan {
    return this.init.plan();
  }

  /** The resources of the processes that must start before this one (name servers and controllers before brokers), at synth. */
  public startAfter(): ITerraformDependable[] {
    return this.init.startAfter();
  }
}

/** @internal What the library gives a ProcessRequest. */
export interface ProcessRequestInit {
  readonly scope: Construct;
  readonly kind: ProcessKind;
  readonly processName: string;
  readonly store?: StoreModel;
  readonly plan: () => ProcessPlan;
  readonly startAfter: () => ITerraformDependable[];
}

/**
 * The store of a process in a container: a named volume (`<processName>-store` by default) or a host directory
 * (normalised: `/data//a/` is `/data/a`, so that the rules compare what Docker mounts), seen at the image's path.
 */
export function containerStore(r: StoreRequest): StoreModel {
  const allowDestroy = r.store?.allowDestroy ?? r.clusterAllowsDestroy ?? false;
  if (r.store?.hostPath !== undefined) {
    return { hostPath: normaliseHostPath(r.store.hostPath), mountPath: r.containerPath, allowDestroy };
  }
  return { volume: r.store?.volume ?? `${r.processName}-store`, mountPath: r.containerPath, allowDestroy };
}

/** A `depends_on` entry, written as cdktf writes a resource's (no token to register and resolve per resource). */
export function dependsOnOf(d: ITerraformDependable): string {
  return d instanceof TerraformResource ? `${d.terraformResourceType}.${d.friendlyUniqueId}` : d.fqn;
}
