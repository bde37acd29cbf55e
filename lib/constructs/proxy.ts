import { Construct } from "constructs";
import { PropertyValue, ProxyModel } from "../core/model";
import { DEFAULT_PROXY_GRPC_PORT, DEFAULT_PROXY_REMOTING_PORT } from "../core/ports";
import { hostModelOf, IRocketMqHost } from "../targets/host";
import { unplacedHost } from "./broker-process";
import { RocketMqCluster } from "./cluster";
import { containerNameOf, JvmProps, NAMESRV_JVM, readHost, readJvm, resolveJvmDeclared } from "./common";
import { reportFindings } from "../synth/report";
import { invalidate, planOf } from "../synth/analysis";
import { LITERAL, PropsReader } from "../synth/input";

/** Props of a Proxy (RocketMQ 5, cluster mode). */
export interface ProxyProps {
  /** The machine that runs the proxy. */
  readonly host: IRocketMqHost;
  /** remotingListenPort (RocketMQ remoting clients). @default 8080 */
  readonly remotingListenPort?: number;
  /** grpcServerPort (RocketMQ 5 gRPC clients). @default 8081 */
  readonly grpcServerPort?: number;
  /** Container name. @default `<clusterName>-proxy-<id>`, lower-cased */
  readonly containerName?: string;
  /** JVM sizing. @default the cluster's nameServerJvm, else heap 512 MiB and direct memory 256 MiB */
  readonly jvm?: JvmProps;
  /** Extra rmq-proxy.json settings, checked against the 5.x proxy catalogue. @default none */
  readonly properties?: Readonly<Record<string, PropertyValue>>;
}

/**
 * A RocketMQ 5 proxy in cluster mode: a stateless gateway (gRPC and remoting) that finds the
 * brokers through the cluster's name servers. Its rmq-proxy.json is generated.
 */
export class Proxy extends Construct {
  /** @internal */
  public readonly _kind = "proxy";
  /** The machine that runs the proxy. */
  public readonly host: IRocketMqHost;
  /** remotingListenPort (RocketMQ remoting clients). */
  public readonly remotingListenPort: number;
  /** grpcServerPort (RocketMQ 5 gRPC clients). */
  public readonly grpcServerPort: number;
  /** Container name on the host. */
  public readonly containerName: string;
  private readonly props: Omit<ProxyProps, "host"> & { host?: IRocketMqHost };
  private readonly unresolvedProperties: readonly string[];
  private readonly refused: boolean;

  constructor(scope: Construct, id: string, props: ProxyProps) {
    super(scope, id);
    const cluster = RocketMqCluster.of(this);
    cluster._addMember(this);
    // Every prop is read (and refused when wrong) before anything uses it.
    const r = new PropsReader(this.node.path);
    const o = r.object(props, `Proxy ${id}`, true, "{ host }");
    r.known(o, ["host", "remotingListenPort", "grpcServerPort", "containerName", "jvm", "properties"]);
    const properties = r.properties(o, "properties");
    this.props = {
      host: readHost(r, o, this),
      remotingListenPort: r.integer(o, "remotingListenPort", {
        literal: LITERAL.port,
        example: DEFAULT_PROXY_REMOTING_PORT,
      }),
      grpcServerPort: r.integer(o, "grpcServerPort", { literal: LITERAL.port, example: DEFAULT_PROXY_GRPC_PORT }),
      containerName: r.string(o, "containerName", {
        literal: LITERAL.name,
        example: `"${containerNameOf(cluster.clusterName, "proxy", id)}"`,
      }),
      jvm: readJvm(r, o, "jvm"),
      properties: properties.values,
    };
    this.unresolvedProperties = properties.unresolved;
    this.refused = r.failed;
    this.host = this.props.host as IRocketMqHost;
    this.remotingListenPort = this.props.remotingListenPort ?? DEFAULT_PROXY_REMOTING_PORT;
    this.grpcServerPort = this.props.grpcServerPort ?? DEFAULT_PROXY_GRPC_PORT;
    this.containerName = this.props.containerName ?? containerNameOf(cluster.clusterName, "proxy", id);
    invalidate(this);
    reportFindings(this, r.findings);
    // A refused host places nothing: the error says why, and no container without a provider is made.
    this.props.host?._placeProcess(this, { healthPort: this.remotingListenPort }, () => planOf(this));
  }

  /** `address:grpcServerPort` for RocketMQ 5 gRPC clients. */
  public get grpcEndpoint(): string {
    return `${this.host?.address ?? ""}:${this.grpcServerPort}`;
  }

  /** @internal */
  public _toModel(cluster: RocketMqCluster): ProxyModel {
    const jvm = resolveJvmDeclared(
      NAMESRV_JVM,
      { props: cluster._props.nameServerJvm, at: { path: cluster.node.path, prop: "nameServerJvm" } },
      { props: this.props.jvm },
    );
    return {
      path: this.node.path,
      host: this.props.host ? hostModelOf(this.props.host) : unplacedHost(this.node.path),
      containerName: this.containerName,
      jvm: jvm.jvm,
      extraProperties: { ...(this.props.properties ?? {}) },
      remotingListenPort: this.remotingListenPort,
      grpcServerPort: this.grpcServerPort,
      declared: jvm.declared,
      defaults: this.props.containerName === undefined ? ["containerName"] : [],
      unresolvedProperties: [...this.unresolvedProperties],
      unchecked: this.refused,
    };
  }
}
