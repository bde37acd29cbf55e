import { IConstruct } from "constructs";
import { JvmModel, StoreModel } from "../core/model";

/** JVM sizing of a server process. */
export interface JvmProps {
  /**
   * Java heap in MiB (-Xms = -Xmx). The official scripts ask for 8 GiB (broker) and 4 GiB
   * (name server) unless told otherwise; the library always tells them.
   * @default 1024 for a broker, 512 for a name server
   */
  readonly heapMb?: number;
  /**
   * -XX:MaxDirectMemorySize in MiB.
   * @default 1024 for a broker, 256 for a name server
   */
  readonly directMemoryMb?: number;
}

/** Where a process keeps its data on its host. Set at most one of the two. */
export interface StoreProps {
  /**
   * Named Docker volume on the host. It outlives the container, so replacing a container keeps
   * the commit log.
   * @default `<containerName>-store`
   */
  readonly volume?: string;
  /**
   * Host directory bind-mounted instead of a volume. Docker creates it when missing; a one-shot container
   * hands it to the user RocketMQ runs as (the cluster's `runAs`) before the server starts.
   * @default none: a named volume
   */
  readonly hostPath?: string;
  /**
   * Let Terraform delete this store's named volume on `destroy` or when a change replaces it. Off, the
   * volume carries `prevent_destroy`: a plan that would delete it fails, and the commit log stays.
   * @default the cluster's `allowStoreDestroy` (false)
   */
  readonly allowDestroy?: boolean;
}

export const BROKER_JVM: JvmModel = { heapMb: 1024, directMemoryMb: 1024 };
export const NAMESRV_JVM: JvmModel = { heapMb: 512, directMemoryMb: 256 };

export function resolveJvm(defaults: JvmModel, ...layers: (JvmProps | undefined)[]): JvmModel {
  let jvm = defaults;
  for (const l of layers) if (l) jvm = { heapMb: l.heapMb ?? jvm.heapMb, directMemoryMb: l.directMemoryMb ?? jvm.directMemoryMb };
  return jvm;
}

export function resolveStore(store: StoreProps | undefined, containerName: string, mountPath: string, clusterAllowsDestroy: boolean | undefined): StoreModel {
  const allowDestroy = store?.allowDestroy ?? clusterAllowsDestroy ?? false;
  if (store?.hostPath !== undefined) return { hostPath: store.hostPath, mountPath, allowDestroy };
  return { volume: store?.volume ?? `${containerName}-store`, mountPath, allowDestroy };
}

/** What a host needs to know of a store when the process is placed. */
export function storePlacement(store: StoreModel): { volume?: string; allowDestroy: boolean } {
  return { volume: store.volume, allowDestroy: store.allowDestroy ?? false };
}

/** Rejects a store that names both a volume and a host directory (one would be ignored). */
export function checkStoreProps(scope: IConstruct, store: StoreProps | undefined): void {
  if (store?.volume !== undefined && store?.hostPath !== undefined) {
    scope.node.addValidation({
      validate: () => [`[stores/one-kind] store sets both volume "${store.volume}" and hostPath "${store.hostPath}": only one can hold the store. Fix: set only one of them.`],
    });
  }
}

/** A stack output's logical id from a construct path below the stack: `rmq/console` + `url` → `rmq_console_url`. */
export function outputIdOf(scope: IConstruct, suffix: string): string {
  return `${scope.node.path.split("/").slice(1).join("_").replace(/[^A-Za-z0-9_-]/g, "_")}_${suffix}`;
}

/** Docker container names allow [a-zA-Z0-9][a-zA-Z0-9_.-]*; RocketMQ names also allow % and |. */
export function containerNameOf(...parts: string[]): string {
  return parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, "-");
}

/**
 * Construct ids for members named by self ids (n0, n1, ...): the self ids when they are usable
 * and unique, else `<fallback>-<index>` for all, so that a duplicate id is reported by the
 * rules instead of crashing the constructor.
 */
export function memberIds(selfIds: readonly string[], fallback: string): string[] {
  const usable = new Set(selfIds).size === selfIds.length && selfIds.every((s) => s !== "" && !s.includes("/"));
  return selfIds.map((s, i) => (usable ? s : `${fallback}-${i}`));
}
