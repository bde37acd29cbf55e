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
  /** Host directory bind-mounted instead of a volume (must be writable by uid 3000 in the official image). */
  readonly hostPath?: string;
}

export const BROKER_JVM: JvmModel = { heapMb: 1024, directMemoryMb: 1024 };
export const NAMESRV_JVM: JvmModel = { heapMb: 512, directMemoryMb: 256 };

export function resolveJvm(defaults: JvmModel, ...layers: (JvmProps | undefined)[]): JvmModel {
  let jvm = defaults;
  for (const l of layers) if (l) jvm = { heapMb: l.heapMb ?? jvm.heapMb, directMemoryMb: l.directMemoryMb ?? jvm.directMemoryMb };
  return jvm;
}

export function resolveStore(store: StoreProps | undefined, containerName: string, mountPath: string): StoreModel {
  if (store?.hostPath !== undefined) return { hostPath: store.hostPath, mountPath };
  return { volume: store?.volume ?? `${containerName}-store`, mountPath };
}

/** Rejects a store that names both a volume and a host directory (one would be ignored). */
export function checkStoreProps(scope: IConstruct, store: StoreProps | undefined): void {
  if (store?.volume !== undefined && store?.hostPath !== undefined) {
    scope.node.addValidation({
      validate: () => [`[stores/one-kind] store sets both volume "${store.volume}" and hostPath "${store.hostPath}": only one can hold the store. Fix: set only one of them.`],
    });
  }
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
