import { Construct } from "constructs";
import { ForeignContainerModel, HostModel, hostModel, StoreModel } from "../core/model";
import { normaliseHostPath } from "../core/rules/stores";
import { ProcessPlan } from "../core/plan";

/**
 * A machine that runs RocketMQ processes. The Docker target implements it with `DockerHost`;
 * other targets (VM user-data) implement the same contract from the same process plan.
 */
export interface IRocketMqHost {
  /** Address clients and peers use to reach processes on this host. */
  readonly address: string;
  /**
   * True when each process placed on this host has a network stack (and a loopback) of its own, as
   * containers on a Docker bridge network; false when they share the machine's.
   */
  readonly isolatedLoopback: boolean;
  /** The endpoint of the engine that runs the processes, when stated: two hosts with one engine are one machine. */
  readonly engine?: string;
  /** @internal Fields not known at synth (a Terraform expression, or a value refused with an error). */
  readonly _unresolved?: readonly ("address" | "engine")[];
  /** @internal Containers the user runs on this host beside the library's, with the host ports they publish. */
  _foreignContainers?(round: object): ForeignContainerModel[];
  /** @internal The kind of machine, when not a Docker engine: a VM has no named volumes (`stores/vm-volume`). */
  readonly _kind?: "vm";
  /**
   * @internal Where a process's store lives on this host and the path the process sees it at. Each target decides:
   * a container sees its volume or host directory at the image's path, a process on a VM sees a directory of the VM.
   * Unset: as a container (`containerStore`).
   */
  _storeOf?(request: StoreRequest): StoreModel;
  /** The construct tree node of the host. */
  readonly node: Construct["node"];
  /**
   * Creates the resources that run one process under `scope`. The plan is produced at synth time
   * (it depends on constructs declared later, such as name servers and peers).
   * @internal
   */
  _placeProcess(scope: Construct, placement: ProcessPlacement, plan: () => ProcessPlan): Construct;
}

/** What a host needs to know about a process when it is declared (the rest comes from the plan at synth). */
export interface ProcessPlacement {
  /** The port the health check probes. */
  readonly healthPort: number;
  /** The process's store, when it has one (every process but the proxy). */
  readonly store?: {
    /** Named volume that holds the store, when the store is a volume (not a host directory). */
    readonly volume?: string;
    /** False keeps a named volume from being destroyed or replaced. */
    readonly allowDestroy: boolean;
  };
}

/** The host as the core's model sees it. */
export function hostModelOf(host: IRocketMqHost): HostModel {
  const model = hostModel(host.node.path, host);
  return host._kind ? { ...model, kind: host._kind } : model;
}

/** What a process asks of its host for its store (the user's `store` props, read and checked). */
export interface StoreRequest {
  /** The user's store props, if any. */
  readonly store?: { readonly volume?: string; readonly hostPath?: string; readonly allowDestroy?: boolean };
  /** The process's name on its host (its container name): names the default volume or directory. */
  readonly processName: string;
  /** Where the official image keeps this kind of store (`/home/rocketmq/store`, `/home/rocketmq/namesrv`, ...). */
  readonly containerPath: string;
  /** The cluster's `allowStoreDestroy`. */
  readonly clusterAllowsDestroy?: boolean;
}

/**
 * The store of a process in a container: a named volume (`<processName>-store` by default) or a host directory
 * (normalised: `/data//a/` is `/data/a`, so that the rules compare what Docker mounts), seen at the image's path.
 */
export function containerStore(r: StoreRequest): StoreModel {
  const allowDestroy = r.store?.allowDestroy ?? r.clusterAllowsDestroy ?? false;
  if (r.store?.hostPath !== undefined)
    return { hostPath: normaliseHostPath(r.store.hostPath), mountPath: r.containerPath, allowDestroy };
  return { volume: r.store?.volume ?? `${r.processName}-store`, mountPath: r.containerPath, allowDestroy };
}

/** The store of a process on `host` (a refused host: as a container, so that the rules still read it). */
export function storeOn(host: IRocketMqHost | undefined, r: StoreRequest): StoreModel {
  return host?._storeOf ? host._storeOf(r) : containerStore(r);
}
