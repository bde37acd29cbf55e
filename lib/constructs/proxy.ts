import { Construct } from "constructs";
import { PropertyValue, ProxyModel } from "../core/model";
import { DEFAULT_PROXY_GRPC_PORT, DEFAULT_PROXY_REMOTING_PORT } from "../core/ports";
import { hostModelOf, IRocketMqHost } from "../targets/host";
import { RocketMqCluster } from "./cluster";
import { containerNameOf, JvmProps, NAMESRV_JVM, resolveJvm } from "./common";
import { reportFindings } from "../synth/report";
import { invalidate, planOf } from "../synth/analysis";

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
  public readonly host: IRocketMqHost;
  public readonly remotingListenPort: number;
  public readonly grpcServerPort: number;
  public readonly containerName: string;
  private readonly props: ProxyProps;

  constructor(scope: Construct, id: string, props: ProxyProps) {
    super(scope, id);
    const cluster = RocketMqCluster.of(this);
    cluster._addMember(this);
    this.props = props;
    this.host = props.host;
    this.remotingListenPort = props.remotingListenPort ?? DEFAULT_PROXY_REMOTING_PORT;
    this.grpcServerPort = props.grpcServerPort ?? DEFAULT_PROXY_GRPC_PORT;
    this.containerName = props.containerName ?? containerNameOf(cluster.clusterName, "proxy", id);
    invalidate(this);
    reportFindings(this);
    props.host._placeProcess(this, { healthPort: this.remotingListenPort }, () => planOf(this));
  }

  /** `address:grpcServerPort` for RocketMQ 5 gRPC clients. */
  public get grpcEndpoint(): string {
    return `${this.host.address}:${this.grpcServerPort}`;
  }

  /** @internal */
  public _toModel(cluster: RocketMqCluster): ProxyModel {
    return {
      path: this.node.path,
      host: hostModelOf(this.host),
      containerName: this.containerName,
      jvm: resolveJvm(NAMESRV_JVM, cluster._props.nameServerJvm, this.props.jvm),
      extraProperties: { ...(this.props.properties ?? {}) },
      remotingListenPort: this.remotingListenPort,
      grpcServerPort: this.grpcServerPort,
    };
  }
}
