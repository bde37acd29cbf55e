import { TerraformStack } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { error } from "../core/findings";
import { HostModel, JvmModel, ProcessModelBase, PropertyValue, StoreModel } from "../core/model";
import { ProcessKind } from "../core/plan";
import { LITERAL, PropsReader, show } from "../input/reader";
import { Field, field, Read, readConstructProps, Schema } from "../input/schema";
import { invalidate } from "../synth/analysis";
import { placedOf, placeProcess } from "../synth/placement";
import { reportFindings } from "../synth/report";
import {
  containerStore,
  hostModelOf,
  IRocketMqHost,
  isRocketMqHost,
  PlacedProcess,
  StoreProps,
} from "../targets/contract";
import { IClusterMember, RocketMqCluster } from "./cluster";
import { containerNameOf, JvmProps, resolveJvmDeclared } from "./common";

/** What every process takes: the machine that runs it, and its name there. */
export interface ProcessProps {
  /** The machine that runs this process (a DockerHost, a VmHost: any IRocketMqHost of this stack). */
  readonly host: IRocketMqHost;
  /**
   * Its name on the host: the container name (a VM: the unit is `rocketmq-<containerName>`).
   * @default `<clusterName>-<role>-<id>`, lower-cased: `rmq-namesrv-ns1`; a broker `<clusterName>-<brokerName>-<brokerId or selfId>`
   */
  readonly containerName?: string;
}

/** What every RocketMQ server takes (name server, broker, controller, proxy): its JVM and extra settings. */
export interface ServerProps extends ProcessProps {
  /**
   * JVM sizing.
   * @default the cluster's brokerJvm for a broker, its nameServerJvm for the others; else heap 1024 MiB and direct memory 1024 MiB (broker), 512 and 256 (others)
   */
  readonly jvm?: JvmProps;
  /**
   * Extra settings of the server's configuration file (broker.properties, the name server's or controller's file,
   * rmq-proxy.json), checked against the version's key catalogue.
   * @default none
   */
  readonly properties?: Readonly<Record<string, PropertyValue>>;
}

/** A server that keeps data: where its store lives. */
export interface StatefulServerProps extends ServerProps {
  /**
   * Where the store (a broker's commit log, consume queues and index; a name server's kvConfig.json; a controller's
   * raft log) lives on its host.
   * @default a named volume `<containerName>-store` (a VM: the directory `/var/lib/rocketmq/<containerName>`)
   */
  readonly store?: StoreProps;
}

const JVM_SCHEMA: Schema<JvmProps> = {
  heapMb: field.size(1024),
  directMemoryMb: field.size(1024),
  memoryMb: field.size(2304),
};

const STORE_SCHEMA: Schema<StoreProps> = {
  volume: field.string({ literal: LITERAL.store, example: '"broker-a-store"' }),
  hostPath: field.string({ literal: LITERAL.store, example: '"/data/rocketmq/broker-a"' }),
  allowDestroy: field.boolean(),
};

/** The host of a process: required, a host (not just an object with an address), and in the process's own stack. */
const HOST_FIELD: Field<IRocketMqHost> = {
  read(r, o, prop, ctx) {
    const v = o[prop];
    const example = `host: new DockerHost(stack, "h1", { address: "10.0.0.1" })`;
    if (v === undefined || v === null) {
      return r.required(
        `host is required (the machine that runs this process), and got ${show(v)}.`,
        `Set host to a DockerHost of this stack, e.g. ${example}.`,
      );
    }
    if (!isRocketMqHost(v)) {
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
    // A host's resources (a docker provider) are configured in its own stack only: a container in another stack would
    // have none.
    const mine = stackOf(ctx.scope as IConstruct);
    const theirs = stackOf(v);
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
  },
};

/** The fields of ProcessProps, ServerProps and StatefulServerProps: every construct's schema starts from one of them. */
export const PROCESS_FIELDS: Schema<ProcessProps> = {
  host: HOST_FIELD,
  containerName: field.name("rmq-namesrv-ns1"),
};
export const SERVER_FIELDS: Schema<ServerProps> = {
  ...PROCESS_FIELDS,
  jvm: field.object(JVM_SCHEMA, "{ heapMb: 1024, directMemoryMb: 1024 }"),
  properties: field.properties(),
};
export const STATEFUL_SERVER_FIELDS: Schema<StatefulServerProps> = {
  ...SERVER_FIELDS,
  store: field.object(STORE_SCHEMA, '{ volume: "broker-a-store" }', (store, r) => {
    if (store.volume === undefined || store.hostPath === undefined) return store;
    r.findings.push(
      error(
        r.path,
        "stores/one-kind",
        `store sets both volume "${store.volume}" and hostPath "${store.hostPath}": only one can hold the store.`,
        `Set only one of store.volume and store.hostPath.`,
      ),
    );
    return { volume: store.volume, allowDestroy: store.allowDestroy };
  }),
};

/** A member's props already read by its set, at the member's construct path (so that each mistake is reported once). */
export interface ReadMember<P> {
  readonly props: Read<P>;
  readonly reader: PropsReader;
  /** True when the member itself is missing (its set says so): it is modelled, unplaced, and no rule compares it. */
  readonly missing?: boolean;
}

/** How one kind of process is declared: what `RocketMqProcess._declare` needs to know of it. */
export interface ProcessSpec<P extends ProcessProps> {
  readonly kind: ProcessKind;
  /** The construct's class, for messages about its props object (`NameServer ns28 needs its props`). */
  readonly what: string;
  /**
   * What messages call the props object, when not `<what> <construct id>`.
   * @default `<what> <construct id>`
   */
  readonly label?: string;
  readonly schema: Schema<P>;
  /**
   * The container name when `containerName` is not set.
   * @default `<clusterName>-<kind>-<construct id>`, lower-cased
   */
  readonly defaultName?: (cluster: RocketMqCluster, props: Read<P>) => string;
  /** Where the image keeps this kind of store; none: a stateless process. */
  readonly storePath?: string;
  /** True for a process the cluster lists itself (name servers, proxies, dashboards); false for a set's member. */
  readonly clusterMember: boolean;
}

/** A process as declared: everything the model and the host need from its props, computed once. */
export interface DeclaredProcess {
  readonly cluster: RocketMqCluster;
  /** Undefined when the host was refused (the error says why): nothing is placed, no rule compares the process. */
  readonly host?: IRocketMqHost;
  readonly containerName: string;
  readonly store?: StoreModel;
  readonly jvm?: JvmProps;
  readonly properties: Readonly<Record<string, PropertyValue>>;
  readonly unresolvedProperties: readonly string[];
  /** The named volume the user asked for (store.volume), for hosts that have none. */
  readonly requestedVolume?: string;
  /** The host directory the user asked for (store.hostPath), for hosts whose stores are claims. */
  readonly requestedHostPath?: string;
  /** Props left to their defaults (named in messages about derived values). */
  readonly defaults: ("containerName" | "store")[];
  /** True when the process's own props were refused: rules that compare it with others skip it. */
  readonly refused: boolean;
}

/**
 * A RocketMQ process of a cluster (a name server, a broker, a controller, a proxy, the console): one container or
 * unit on its host. Each kind's constructor calls `_declare` once: it reads the props with the kind's schema, resolves
 * the name and the store, reports what was wrong, and places the process on its host.
 */
export abstract class RocketMqProcess extends Construct {
  /** @internal */
  protected _declared!: DeclaredProcess;

  protected constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /** The machine that runs this process. */
  public get host(): IRocketMqHost {
    return this._declared.host as IRocketMqHost;
  }

  /** Its name on the host (the container name; a VM's unit is `rocketmq-<containerName>`). */
  public get containerName(): string {
    return this._declared.containerName;
  }

  /** @internal Reads the props, resolves what derives from them, reports, and places the process: once per process. */
  protected _declare<P extends ProcessProps>(props: unknown, spec: ProcessSpec<P>, input?: ReadMember<P>): Read<P> {
    const cluster = RocketMqCluster.of(this);
    // The cluster lists name servers, proxies and consoles itself; a set lists its own members.
    if (spec.clusterMember) cluster._addMember(this as unknown as IClusterMember);
    const r = input?.reader ?? new PropsReader(this.node.path);
    const what = { what: spec.label ?? `${spec.what} ${this.node.id}`, required: true, example: "{ host }" };
    const read = input?.props ?? readConstructProps(spec.schema, props, r, { scope: this }, what).props;
    const containerName =
      read.containerName ??
      (spec.defaultName
        ? spec.defaultName(cluster, read)
        : containerNameOf(cluster.clusterName, spec.kind, this.node.id));
    const stateful = read as Read<StatefulServerProps>;
    const server = read as Read<ServerProps>;
    const request =
      spec.storePath === undefined
        ? undefined
        : {
            store: stateful.store,
            processName: containerName,
            containerPath: spec.storePath,
            clusterAllowsDestroy: cluster._props.allowStoreDestroy,
          };
    // Where the store lives is the host's answer (a refused host: as a container, so that the rules still read it).
    const store = request && (read.host ? read.host.storeOf(request) : containerStore(request));
    this._declared = {
      cluster,
      host: read.host,
      containerName,
      store,
      jvm: server.jvm,
      properties: server.properties ?? {},
      unresolvedProperties: r.unresolvedProperties.get("properties") ?? [],
      requestedVolume: stateful.store?.volume,
      requestedHostPath: stateful.store?.hostPath,
      defaults: [
        ...(read.containerName === undefined ? (["containerName"] as const) : []),
        ...(spec.storePath !== undefined && stateful.store === undefined ? (["store"] as const) : []),
      ],
      refused: r.failed || (input?.missing ?? false),
    };
    invalidate(this);
    reportFindings(this, r.findings);
    // A refused host places nothing: the error says why, and no resource without a provider is made.
    if (read.host) placeProcess(this, read.host, { kind: spec.kind, processName: containerName, store });
    return read;
  }

  /** @internal The host as the model sees it. */
  protected _hostModel(): HostModel {
    return hostModelOrUnplaced(this._declared.host, this.node.path, placedOf(this));
  }

  /**
   * @internal What every server's model shares: identity, host, JVM (the cluster's layer, then its own), its own
   * extra properties, where inherited values were declared.
   */
  protected _serverModel(
    defaults: JvmModel,
    clusterJvm: "brokerJvm" | "nameServerJvm",
  ): Omit<ProcessModelBase, "store"> {
    const d = this._declared;
    // The cluster's layer (brokerJvm or nameServerJvm), then the process's own jvm: the last that sets a value wins.
    const jvm = resolveJvmDeclared(
      defaults,
      { props: d.cluster._props[clusterJvm], at: { path: d.cluster.node.path, prop: clusterJvm } },
      { props: d.jvm },
    );
    return {
      path: this.node.path,
      host: this._hostModel(),
      containerName: d.containerName,
      jvm: jvm.jvm,
      extraProperties: { ...d.properties },
      declared: jvm.declared,
      defaults: d.defaults,
      unresolvedProperties: [...d.unresolvedProperties],
      ...(d.requestedVolume !== undefined ? { requestedVolume: d.requestedVolume } : {}),
      ...(d.requestedHostPath !== undefined ? { requestedHostPath: d.requestedHostPath } : {}),
      unchecked: d.refused,
    };
  }
}

/** The host model of a process, or that of an unplaced one (its host was refused; the error is on the process). */
function hostModelOrUnplaced(host: IRocketMqHost | undefined, path: string, placed?: PlacedProcess): HostModel {
  return host ? hostModelOf(host, placed) : { path: `${path}#host`, address: "", unresolved: ["address"] };
}

function stackOf(c: IConstruct): TerraformStack | undefined {
  try {
    return TerraformStack.of(c);
  } catch {
    return undefined;
  }
}
