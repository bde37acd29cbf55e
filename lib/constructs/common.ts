/** Small helpers of the construct layer: JVM layers, names, output ids. A leaf: it imports no construct. */
import { IConstruct } from "constructs";
import { Declared, JvmModel } from "../core/model";
import { jvmFromMemory } from "../core/render/jvm";

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
  /**
   * The process's memory in MiB: its container's memory limit (DockerHost), its pod's memory request and limit
   * (KubernetesHost); a VM's unit has no limit, so there it only sizes the JVM. The heap and direct memory that are
   * not set are sized from it: what is left after 256 MiB (metaspace, thread stacks, code cache) and the sizes that
   * are set, in the defaults' proportions (a broker half heap, half direct memory: `memoryMb: 4096` gives 1920 and
   * 1920; any other server two thirds heap). With both sizes set it must hold them and the 256 MiB.
   * @default heapMb + directMemoryMb + 256 (2304 for a broker, 1024 for a name server)
   */
  readonly memoryMb?: number;
}

/** The library's JVM defaults of a broker. */
export const BROKER_JVM: JvmModel = { heapMb: 1024, directMemoryMb: 1024 };
/** The library's JVM defaults of the other servers (name server, controller, proxy). */
export const NAMESRV_JVM: JvmModel = { heapMb: 512, directMemoryMb: 256 };

/** A layer of JVM props and where it was declared (`{ path, prop: "brokerJvm" }`), undefined for the process's own `jvm`. */
export interface JvmLayer {
  readonly props: JvmProps | undefined;
  readonly at?: { readonly path: string; readonly prop: string };
}

/**
 * The JVM from the defaults and the layers (the last that sets a value wins), and where each inherited value was
 * declared. With a `memoryMb`, the sizes no layer set are computed from it (`jvmFromMemory`).
 */
export function resolveJvmDeclared(
  defaults: JvmModel,
  ...layers: JvmLayer[]
): { jvm: JvmModel; declared: Record<string, Declared> } {
  const set: { heapMb?: number; directMemoryMb?: number; memoryMb?: number } = {};
  const declared: Record<string, Declared> = {};
  for (const { props, at } of layers) {
    if (!props) continue;
    for (const key of ["heapMb", "directMemoryMb", "memoryMb"] as const) {
      if (props[key] === undefined) continue;
      set[key] = props[key];
      if (at) declared[`jvm.${key}`] = { path: at.path, prop: `${at.prop}.${key}` };
      else delete declared[`jvm.${key}`];
    }
  }
  const { memoryMb, ...sizes } = set;
  const jvm = memoryMb === undefined ? { ...defaults, ...sizes } : jvmFromMemory(memoryMb, defaults, sizes);
  return { jvm, declared };
}

/** A stack output's logical id from a construct path below the stack: `rmq/console` + `url` → `rmq_console_url`. */
export function outputIdOf(scope: IConstruct, suffix: string): string {
  return `${scope.node.path
    .split("/")
    .slice(1)
    .join("_")
    .replace(/[^A-Za-z0-9_-]/g, "_")}_${suffix}`;
}

/** Docker container names allow [a-zA-Z0-9][a-zA-Z0-9_.-]*; RocketMQ names also allow % and |. */
export function containerNameOf(...parts: string[]): string {
  return parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, "-");
}

/**
 * Construct ids for members named by self ids (n0, n1, ...): the self ids when they are unique
 * and plain (letters, digits, "_", ".", "-"), else `<fallback>-<index>` for all, so that a duplicate or
 * odd id is reported by the rules on a readable path instead of crashing the constructor.
 */
export function memberIds(selfIds: readonly string[], fallback: string): string[] {
  const usable = new Set(selfIds).size === selfIds.length && selfIds.every((s) => /^[A-Za-z0-9_.-]+$/.test(s));
  return selfIds.map((s, i) => (usable ? s : `${fallback}-${i}`));
}
