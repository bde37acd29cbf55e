import { TerraformStack } from "cdktf";
import { IConstruct } from "constructs";
import { error } from "../core/findings";
import { Declared, JvmModel, StoreModel } from "../core/model";
import { isPlainObject, LITERAL, PropsReader, show } from "../synth/input";
import { IRocketMqHost, storeOn } from "../targets/host";

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
  return resolveJvmDeclared(defaults, ...layers.map((props) => ({ props }))).jvm;
}

/** A layer of JVM props and where it was declared (`{ path, prop: "brokerJvm" }`), undefined for the process's own `jvm`. */
export interface JvmLayer {
  readonly props: JvmProps | undefined;
  readonly at?: { readonly path: string; readonly prop: string };
}

/** The JVM from the defaults and the layers (the last that sets a value wins), and where each inherited value was declared. */
export function resolveJvmDeclared(
  defaults: JvmModel,
  ...layers: JvmLayer[]
): { jvm: JvmModel; declared: Record<string, Declared> } {
  let jvm = defaults;
  const declared: Record<string, Declared> = {};
  for (const { props, at } of layers) {
    if (!props) continue;
    for (const key of ["heapMb", "directMemoryMb"] as const) {
      if (props[key] === undefined) continue;
      jvm = { ...jvm, [key]: props[key] };
      if (at) declared[`jvm.${key}`] = { path: at.path, prop: `${at.prop}.${key}` };
      else delete declared[`jvm.${key}`];
    }
  }
  return { jvm, declared };
}

/** The store of a process, as its host places it (a container: a volume or host directory at the image's path; a VM: a directory). */
export function resolveStore(
  host: IRocketMqHost | undefined,
  store: StoreProps | undefined,
  containerName: string,
  containerPath: string,
  clusterAllowsDestroy: boolean | undefined,
): StoreModel {
  return storeOn(host, { store, processName: containerName, containerPath, clusterAllowsDestroy });
}

/** The props of a process left to their defaults, whose values the library derived (for messages about them). */
export function defaultsOf(props: { containerName?: string; store?: StoreProps }): ("containerName" | "store")[] {
  return [
    ...(props.containerName === undefined ? (["containerName"] as const) : []),
    ...(props.store === undefined ? (["store"] as const) : []),
  ];
}

/** What a host needs to know of a store when the process is placed. */
export function storePlacement(store: StoreModel): { volume?: string; allowDestroy: boolean } {
  return { volume: store.volume, allowDestroy: store.allowDestroy ?? false };
}

/** JVM props, each a whole number of MiB known at synth. */
export function readJvm(r: PropsReader, o: Record<string, unknown>, prop: string): JvmProps | undefined {
  const raw = r.objectProp(o, prop, "{ heapMb: 1024, directMemoryMb: 1024 }");
  if (!raw) return undefined;
  const n = r.nested(prop);
  n.known(raw, ["heapMb", "directMemoryMb"]);
  return {
    heapMb: n.integer(raw, "heapMb", { literal: LITERAL.size, example: 1024 }),
    directMemoryMb: n.integer(raw, "directMemoryMb", { literal: LITERAL.size, example: 1024 }),
  };
}

/** Store props: a volume name or a host directory (not both), known at synth. */
export function readStore(r: PropsReader, o: Record<string, unknown>): StoreProps | undefined {
  const raw = r.objectProp(o, "store", '{ volume: "broker-a-store" }');
  if (!raw) return undefined;
  const n = r.nested("store");
  n.known(raw, ["volume", "hostPath", "allowDestroy"]);
  const volume = n.string(raw, "volume", { literal: LITERAL.store, example: '"broker-a-store"' });
  const hostPath = n.string(raw, "hostPath", { literal: LITERAL.store, example: '"/data/rocketmq/broker-a"' });
  const allowDestroy = n.boolean(raw, "allowDestroy");
  if (volume !== undefined && hostPath !== undefined) {
    r.findings.push(
      error(
        r.path,
        "stores/one-kind",
        `store sets both volume "${volume}" and hostPath "${hostPath}": only one can hold the store.`,
        `Set only one of store.volume and store.hostPath.`,
      ),
    );
    return { volume, allowDestroy };
  }
  return { volume, hostPath, allowDestroy };
}

/** True for a host the library can place a process on (a DockerHost, or another IRocketMqHost). */
export function isHost(value: unknown): value is IRocketMqHost {
  const v = value as Partial<IRocketMqHost> | undefined;
  return (
    isPlainObject(value) &&
    typeof v?._placeProcess === "function" &&
    v.node !== undefined &&
    typeof v.address === "string"
  );
}

/**
 * The host of a process: required, a host (not just an object with an address), and in the process's own stack: a
 * host's docker provider is configured in its stack only, and a container in another stack would have none.
 */
export function readHost(r: PropsReader, o: Record<string, unknown>, scope: IConstruct): IRocketMqHost | undefined {
  const v = o.host;
  const example = `host: new DockerHost(stack, "h1", { address: "10.0.0.1" })`;
  if (v === undefined || v === null) {
    return r.required(
      `host is required (the machine that runs this process), and got ${show(v)}.`,
      `Set host to a DockerHost of this stack, e.g. ${example}.`,
    );
  }
  if (!isHost(v)) {
    r.findings.push(
      error(
        r.path,
        "props/type",
        `host is ${show(v)}, not a DockerHost (an IRocketMqHost: a construct that can place a process; a plain object with an address is not one).`,
        `Set host to a DockerHost of this stack, e.g. ${example}.`,
      ),
    );
    return undefined;
  }
  const mine = stackOf(scope);
  const theirs = stackOf(v as unknown as IConstruct);
  if (mine !== theirs) {
    r.findings.push(
      error(
        r.path,
        "hosts/other-stack",
        `host is the DockerHost ${v.node.path} of stack ${theirs?.node.path ?? "(none)"}, but this process is in stack ${mine?.node.path ?? "(none)"}: a host's docker provider is configured in its own stack only, so this stack would have a container without a provider (cdktf: "Found resources without a matching provider").`,
        `Declare a DockerHost for that machine in stack ${mine?.node.path ?? "of the cluster"} and pass it as host, or declare the cluster in stack ${theirs?.node.path ?? "of the host"}.`,
      ),
    );
    return undefined;
  }
  return v;
}

function stackOf(c: IConstruct): TerraformStack | undefined {
  try {
    return TerraformStack.of(c);
  } catch {
    return undefined;
  }
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
