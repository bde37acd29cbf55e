import { Construct } from "constructs";
import { DEFAULT_PROXY_GRPC_PORT, DEFAULT_PROXY_REMOTING_PORT } from "../core/ports";
import { ProcessKind } from "../core/plan";
import { field } from "../input/schema";
import { ClusterModelParts, IClusterMember } from "./cluster";
import { NAMESRV_JVM } from "./common";
import { ProcessSpec, RocketMqProcess, SERVER_FIELDS, ServerProps } from "./process";

/** Props of a Proxy (RocketMQ 5, cluster mode). */
export interface ProxyProps extends ServerProps {
  /** remotingListenPort (RocketMQ remoting clients). @default 8080 + the cluster's portOffset */
  readonly remotingListenPort?: number;
  /** grpcServerPort (RocketMQ 5 gRPC clients). @default 8081 + the cluster's portOffset */
  readonly grpcServerPort?: number;
}

const PROXY: ProcessSpec<ProxyProps> = {
  kind: ProcessKind.PROXY,
  what: "Proxy",
  schema: {
    ...SERVER_FIELDS,
    remotingListenPort: field.port(DEFAULT_PROXY_REMOTING_PORT),
    grpcServerPort: field.port(DEFAULT_PROXY_GRPC_PORT),
  },
  clusterMember: true,
};

/**
 * A RocketMQ 5 proxy in cluster mode: a stateless gateway (gRPC and remoting) that finds the
 * brokers through the cluster's name servers. Its rmq-proxy.json is generated.
 */
export class Proxy extends RocketMqProcess implements IClusterMember {
  /** remotingListenPort (RocketMQ remoting clients). */
  public readonly remotingListenPort: number;
  /** grpcServerPort (RocketMQ 5 gRPC clients). */
  public readonly grpcServerPort: number;

  constructor(scope: Construct, id: string, props: ProxyProps) {
    super(scope, id);
    const read = this._declare(props, PROXY);
    const cluster = this._declared.cluster;
    this.remotingListenPort = read.remotingListenPort ?? cluster._defaultPort(DEFAULT_PROXY_REMOTING_PORT);
    this.grpcServerPort = read.grpcServerPort ?? cluster._defaultPort(DEFAULT_PROXY_GRPC_PORT);
  }

  /** `address:grpcServerPort` for RocketMQ 5 gRPC clients. */
  public get grpcEndpoint(): string {
    return `${this.host?.address ?? ""}:${this.grpcServerPort}`;
  }

  /** @internal */
  public _addToModel(parts: ClusterModelParts): void {
    parts.proxies.push({
      ...this._serverModel(NAMESRV_JVM, "nameServerJvm"),
      remotingListenPort: this.remotingListenPort,
      grpcServerPort: this.grpcServerPort,
    });
  }
}
