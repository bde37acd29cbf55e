import { Construct } from "constructs";
import { ForeignContainerModel, HostModel, hostModel } from "../core/model";
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
  return hostModel(host.node.path, host);
}
