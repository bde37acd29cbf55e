/**
 * The topology of one or more RocketMQ clusters as plain data.
 *
 * This is what every rule and renderer works on. It knows nothing of cdktf: the constructs
 * collect their props into it at synth time, and tests or other front ends can build it by hand.
 * Names follow RocketMQ's own words (brokerName, brokerId, namesrv, dLeger*).
 */

/**
 * What a host (a target's machine: a Docker engine, a VM) tells the model about itself: the address its processes are
 * reached at, and what the processes placed on it share. Every per-machine rule reads these facts; none asks which
 * target the host belongs to. Hand-built models may leave the optional facts out: the defaults describe a Docker engine
 * on the bridge network.
 */
export interface MachineFacts {
  /** The address clients and peers use to reach processes on this host (brokerIP1, namesrvAddr, dLegerPeers). */
  readonly address: string;
  /**
   * The endpoint of the engine that runs the host's processes (the Docker engine: `ssh://ops@10.0.0.28`,
   * `tcp://10.0.0.28:2376`, `unix:///var/run/docker.sock`), when the host states one. Two hosts with one engine are
   * one machine.
   * @default none: the address alone names the machine
   */
  readonly engine?: string;
  /**
   * True when every process on the host has a network stack (and a loopback) of its own, as a container
   * on a Docker bridge network: then `127.0.0.1` is the process itself, not the machine.
   * @default false
   */
  readonly isolatedLoopback?: boolean;
  /**
   * True when a store may be a named volume of the host's engine; false where a store is always a directory (a VM).
   * @default true
   */
  readonly namedVolumes?: boolean;
  /**
   * True when the host runs container images (the console, Dashboard, ships as an image only).
   * @default true
   */
  readonly containerImages?: boolean;
  /**
   * False where a store is never a directory of the machine but a claim of the process's own (Kubernetes: a
   * PersistentVolumeClaim per pod, which the scheduler may place on any node).
   * @default true
   */
  readonly hostDirectories?: boolean;
  /**
   * True when each process placed on the host runs on a machine of its own, at an address of its own (a Kubernetes
   * pod: its own network and claim, on a node the scheduler chooses): the per-machine rules (ports, stores, names,
   * placement) compare each process with itself only, and the host checks what its processes still share.
   * @default false
   */
  readonly machinePerProcess?: boolean;
  /**
   * True when the host enforces a memory limit per process (a container's limit); false where the JVM flags are the
   * only bound (a VM's systemd units).
   * @default true
   */
  readonly memoryLimits?: boolean;
  /**
   * False when a process on the host cannot bind a port below 1024: RocketMQ runs as an unprivileged user without
   * `CAP_NET_BIND_SERVICE` (a VM's systemd units, a container on the machine's own network). A container on Docker's
   * bridge network can: Docker sets `net.ipv4.ip_unprivileged_port_start=0` in its network namespace.
   * @default true (unknown: not checked)
   */
  readonly privilegedPorts?: boolean;
  /**
   * Ports in use on the machine by something the app does not declare (`takenPorts` of a host): no process may open one.
   * @default none
   */
  readonly takenPorts?: number[];
  /**
   * Directories in use on the machine by something the app does not declare (`takenDirectories` of a host): no store
   * may be one of them, be inside one or contain one.
   * @default none
   */
  readonly takenDirectories?: string[];
  /**
   * What the host is, in a few words, for messages: `a Docker engine`, `a VM`.
   * @default "a Docker engine"
   */
  readonly description?: string;
  /**
   * Facts whose value is not known at synth (a Terraform expression) or was refused where it was declared: `address`,
   * `engine`. The rules that would read them are skipped.
   * @default none
   */
  readonly unresolved?: string[];
}

/** A host in the model: its facts and its construct path. */
export interface HostModel extends MachineFacts {
  /** Stable name for messages, e.g. the construct path of the DockerHost. */
  readonly path: string;
  /**
   * The machine the host is on: hosts with one address or one engine share ports, stores and container names.
   * Set once by `assignMachines` (checkTopology does it).
   * @default the address stands for the machine
   */
  readonly machine?: string;
  /**
   * The host's own address, when `address` is the process's own (a Kubernetes Service name): what the reports name
   * the host by.
   * @default `address`
   */
  readonly hostAddress?: string;
}

/** The model of the host at `path` with these facts. */
export function hostModel(path: string, facts: MachineFacts): HostModel {
  return { ...facts, path };
}

/** Where a value of a process was declared, when not on the process itself (a cluster-wide or set-wide prop). */
export interface Declared {
  /** Construct path of the construct whose prop holds the value. */
  readonly path: string;
  /** The prop there, e.g. `brokerJvm.heapMb` or `brokerProperties.deleteWhen`. */
  readonly prop: string;
}

/** JVM sizing of one server process. */
export interface JvmModel {
  /** Java heap, -Xms = -Xmx, in MiB. */
  readonly heapMb: number;
  /** -XX:MaxDirectMemorySize in MiB (brokers map their commit log into direct memory). */
  readonly directMemoryMb: number;
  /**
   * The process's memory in MiB when declared (`jvm.memoryMb`): its container's limit, its pod's request and limit.
   * @default heap + direct memory + 256 MiB
   */
  readonly memoryMb?: number;
  /** The sizes computed from `memoryMb` rather than declared or defaulted (the rules report them on `memoryMb`). */
  readonly sizedFromMemory?: readonly ("heapMb" | "directMemoryMb")[];
}

/** Where a process keeps its data on its host: a named volume of the host's engine or a host directory. */
export interface StoreModel {
  /**
   * Named volume of the host's engine. Exactly one of volume and hostPath is set.
   * @default none: the store is `hostPath`
   */
  readonly volume?: string;
  /**
   * Directory of the machine.
   * @default none: the store is `volume`
   */
  readonly hostPath?: string;
  /** Path inside the process's file system where the store is mounted (storePathRootDir for a broker). */
  readonly mountPath: string;
  /**
   * True when the deployment may delete the store (a named volume) on destroy or replacement; false keeps it
   * protected, so the commit log survives a mistaken destroy.
   * @default false
   */
  readonly allowDestroy?: boolean;
}

/** The numeric user and group RocketMQ runs as (the official image's `rocketmq`: 3000:3000); it owns every store. */
export interface RunAsModel {
  /** The user id. */
  readonly uid: number;
  /** The group id. */
  readonly gid: number;
}

export type PropertyValue = string | number | boolean;

export interface ProcessModelBase {
  /** Construct path (or another stable name) used in every message about this process. */
  readonly path: string;
  readonly host: HostModel;
  readonly containerName: string;
  readonly jvm: JvmModel;
  readonly store: StoreModel;
  /** Settings the user adds beside the generated ones; checked against the version's key catalogue. */
  readonly extraProperties: Readonly<Record<string, PropertyValue>>;
  /**
   * Where inherited values were declared, by field: `jvm.heapMb`, `jvm.directMemoryMb`, `properties.<key>`.
   * A field not listed was declared on the process itself; rules report a problem where it was declared, once.
   */
  readonly declared?: Readonly<Record<string, Declared>>;
  /**
   * The named volume the user asked for (`store.volume`), whatever the host made of it: a host without named volumes
   * (its facts) refuses it (`stores/named-volume`) instead of silently using a directory.
   */
  readonly requestedVolume?: string;
  /**
   * The directory of the machine the user asked for (`store.hostPath`), whatever the host made of it: a host whose
   * stores are always claims of their own (its facts) refuses it (`stores/host-directory`).
   */
  readonly requestedHostPath?: string;
  /** Props left to their defaults, whose value the library derived (`containerName` from the cluster's name, `store`). */
  readonly defaults?: readonly ("containerName" | "store")[];
  /** Extra property keys whose value is not known at synth (a Terraform expression): only the key is checked. */
  readonly unresolvedProperties?: readonly string[];
  /**
   * True when the process's own props were refused by its construct (the error is reported there): rules that compare
   * it with other processes skip it, so that one mistake gives one error.
   */
  readonly unchecked?: boolean;
}

export interface NameServerModel extends ProcessModelBase {
  readonly listenPort: number;
  /** Set when this name server also runs the cluster's controller (enableControllerInNamesrv, 5.x). */
  readonly controller?: ControllerPeer;
}

/** One member of a RocketMQ 5 controller raft group. */
export interface ControllerPeer {
  /** controllerDLegerSelfId. */
  readonly selfId: string;
  /** Its port in controllerDLegerPeers; also the port brokers list in controllerAddr. */
  readonly port: number;
}

/** A standalone controller process (mqcontroller, 5.x). */
export interface ControllerModel extends ProcessModelBase, ControllerPeer {}

/** The controller raft group of a cluster: standalone processes or embedded in name servers. */
export interface ControllerGroupModel {
  readonly path: string;
  /** controllerDLegerGroup. */
  readonly controllerDLegerGroup: string;
  readonly embedded: boolean;
  /** Standalone controllers (empty when embedded). */
  readonly controllers: readonly ControllerModel[];
}

/** A RocketMQ 5 proxy in cluster mode (mqproxy with rmq-proxy.json). */
export interface ProxyModel extends Omit<ProcessModelBase, "store"> {
  readonly remotingListenPort: number;
  readonly grpcServerPort: number;
}

/**
 * The RocketMQ console (apache/rocketmq-dashboard, image apacherocketmq/rocketmq-dashboard), pointed at the
 * cluster's name servers. A Spring Boot application with an image of its own; stateless.
 */
export interface DashboardModel extends Omit<ProcessModelBase, "store" | "extraProperties"> {
  /** server.port of the dashboard (its own default 8082). */
  readonly listenPort: number;
  /** The dashboard's image (not the cluster's). */
  readonly image: string;
}

export type BrokerRole = "ASYNC_MASTER" | "SYNC_MASTER" | "SLAVE";
export type FlushDiskType = "SYNC_FLUSH" | "ASYNC_FLUSH";

export interface BrokerModel extends ProcessModelBase {
  /** 0 for the master of a master/slave set, > 0 for slaves; for DLedger members the raft index (not written). */
  readonly brokerId: number;
  /** brokerRole; undefined for DLedger members (the raft election decides). */
  readonly brokerRole?: BrokerRole;
  readonly flushDiskType?: FlushDiskType;
  readonly listenPort: number;
  /** Set for members of a DLedger group. */
  readonly dledger?: { readonly selfId: string; readonly port: number };
  /** haListenPort when set explicitly (5.x only; 4.x always uses listenPort+1). */
  readonly haListenPort?: number;
}

export type Replication = "SYNC" | "ASYNC";

/**
 * Brokers sharing one brokerName: a master with its slaves, a DLedger raft group, or a
 * RocketMQ 5 controller-mode set (the controller elects the master).
 */
export interface BrokerSetModel {
  readonly path: string;
  readonly brokerName: string;
  readonly kind: "pair" | "dledger" | "controller";
  /** allAckInSyncStateSet of a controller-mode set. */
  readonly allAckInSyncStateSet?: boolean;
  /** Master/slave replication of a pair. */
  readonly replication?: Replication;
  /** dLegerGroup of a DLedger group (= brokerName unless set). */
  readonly dLegerGroup?: string;
  readonly members: readonly BrokerModel[];
}

/**
 * A secret (a password, a secret key) as the files that carry it need it, never its value in plain sight: a literal
 * from the program (warned about where declared), or a Terraform expression resolved only when Terraform runs.
 */
export interface SecretModel {
  /** Where it was declared, for messages (which never show the value). */
  readonly declared: Declared;
  /** The secret as a YAML (and JSON) double-quoted scalar: JSON-quoted text, or an expression that quotes at apply. */
  readonly yamlScalar: string;
  /** The secret as it is where nothing quotes it (a system property): the literal, or the expression. */
  readonly text: string;
  /**
   * The secret as a JSON string inside a `.properties` value (ACL 2.0's `initAuthenticationUser`): a literal is
   * JSON-quoted (the properties renderer escapes its backslashes and non-ASCII characters); an expression quotes at
   * apply and doubles its own backslashes, which the renderer does not see.
   */
  readonly propertiesJson: string;
  /**
   * The secret as a JSON string nested inside another JSON string (the proxy's
   * `innerClientAuthenticationCredentials`, a JSON text held by a JSON string): a literal is JSON-quoted (the outer
   * JSON renderer escapes it again); an expression gives, at apply, the twice-encoded text without its outer quotes.
   */
  readonly nestedJson: string;
  /** True when its value is known only when Terraform runs (a variable, a data source). */
  readonly unresolved: boolean;
  /** The number of characters of a literal secret (its value is not kept in the model). */
  readonly length?: number;
}

/** What an account may do with a topic or a consumer group, in ACL 1.0's words. */
export type AclPermissionModel = "DENY" | "PUB" | "SUB" | "PUB|SUB";

/** One account of a cluster's access control. */
export interface AclUserModel {
  /** The user's name: ACL 1.0's accessKey, ACL 2.0's username. */
  readonly name: string;
  readonly secret: SecretModel;
  readonly admin: boolean;
  readonly topicPermissions: Readonly<Record<string, AclPermissionModel>>;
  readonly groupPermissions: Readonly<Record<string, AclPermissionModel>>;
  readonly defaultTopicPermission: AclPermissionModel;
  readonly defaultGroupPermission: AclPermissionModel;
}

/** Access control of a cluster: its accounts, and which of RocketMQ's two ACL systems enforces them. */
export interface AccessControlModel {
  /** Construct path of the cluster's `accessControl` prop, for messages. */
  readonly path: string;
  /** "1.0": aclEnable and plain_acl.yml (4.4.0 to 5.3.2); "2.0": the auth providers (5.3.0 and later). */
  readonly version: "1.0" | "2.0";
  readonly users: readonly AclUserModel[];
  /** The admin account the library's own processes sign with (slaves, proxies, the console). */
  readonly systemUser: string;
}

export interface ClusterModel {
  readonly path: string;
  /** brokerClusterName. */
  readonly clusterName: string;
  /** RocketMQ version, e.g. "4.9.8". */
  readonly version: string;
  /** Container image that runs every process of the cluster. */
  readonly image: string;
  /** The user RocketMQ runs as: it must own the stores. Default 3000:3000. */
  readonly runAs?: RunAsModel;
  readonly nameServers: readonly NameServerModel[];
  readonly brokerSets: readonly BrokerSetModel[];
  /** Controller groups (RocketMQ 5); a cluster has at most one. */
  readonly controllerGroups: readonly ControllerGroupModel[];
  readonly proxies: readonly ProxyModel[];
  /** Consoles pointed at this cluster (optional in hand-built models). */
  readonly dashboards?: readonly DashboardModel[];
  /** Access control, when the cluster has it. */
  readonly accessControl?: AccessControlModel;
  /** Fields whose value is not known at synth (a Terraform expression): the rules that would read them are skipped. */
  readonly unresolved?: readonly "image"[];
  /** TLS in transit, when the cluster declares it (`-Dtls.server.mode` and the files of its certificate). */
  readonly tls?: TlsModel;
}

/** Everything deployed by one stack: the per-host rules look at all clusters together. */
export interface TopologyModel {
  readonly clusters: readonly ClusterModel[];
  /** Every declared host, including hosts that carry nothing yet. */
  readonly hosts: readonly HostModel[];
  /** Containers on the hosts that the library does not manage (the user's own, on a host's engine): their ports and names are taken. */
  readonly foreign?: readonly ForeignContainerModel[];
}

/** A container the user runs on a host beside the library's processes. */
export interface ForeignContainerModel {
  /** Its construct path. */
  readonly path: string;
  /** Path of the host (HostModel.path) whose engine runs it. */
  readonly hostPath: string;
  /** Its container name, when known at synth. */
  readonly name?: string;
  /** The host ports it publishes. */
  readonly ports: readonly number[];
}

/** How a RocketMQ server treats plaintext and TLS connections (`-Dtls.server.mode`, RocketMQ's own words). */
export type TlsModeModel = "disabled" | "permissive" | "enforcing";

/**
 * One file of a cluster's TLS (the server certificate, its private key, the trusted CA certificate): its PEM text,
 * uploaded with the process's files, or the path of a file already on every host.
 */
export interface TlsMaterialModel {
  /** Where it was declared, for messages (which never show a private key). */
  readonly declared: Declared;
  /**
   * The PEM text (a literal, or a Terraform expression resolved at apply). Exactly one of `pem` and `hostPath` is set.
   * @default none: the file is `hostPath`
   */
  readonly pem?: PemModel;
  /**
   * The absolute path of a file already on every host of the cluster (a Docker host mounts it read-only at the same
   * path in the container; a VM reads it where it is).
   * @default none: the file is `pem`
   */
  readonly hostPath?: string;
}

/** PEM text as the files that carry it need it; a private key's is a secret, never shown. */
export interface PemModel {
  /** The text as it is written into a file: the literal, or the expression. */
  readonly text: string;
  /** The text as a YAML (and JSON) double-quoted scalar: JSON-quoted, or an expression that quotes at apply. */
  readonly yamlScalar: string;
  /** True when its value is known only when Terraform runs (a variable, a data source). */
  readonly unresolved: boolean;
}

/** TLS in transit of a cluster: the servers' mode and the files of their certificate. */
export interface TlsModel {
  /** Construct path of the cluster's `tls` prop, for messages. */
  readonly path: string;
  /** `tls.server.mode` of every server. */
  readonly mode: TlsModeModel;
  /** The servers' certificate (PEM, X.509). */
  readonly certificate?: TlsMaterialModel;
  /** Its private key (PEM, unencrypted PKCS#8): a secret. */
  readonly privateKey?: TlsMaterialModel;
  /** The CA certificate the members (and the console) check each other's certificate against. */
  readonly trustCertificate?: TlsMaterialModel;
}

/** Where a value was declared: `declared[field]` of the process, else the process itself under the prop `field`. */
export function declaredAt(process: Pick<ProcessModelBase, "path" | "declared">, field: string): Declared {
  return process.declared?.[field] ?? { path: process.path, prop: field };
}

/** `host:port` of every name server of the cluster, sorted, joined by `;` (RocketMQ's namesrvAddr format). */
export function namesrvAddr(cluster: ClusterModel): string {
  return [...cluster.nameServers]
    .map((ns) => `${ns.host.address}:${ns.listenPort}`)
    .sort()
    .join(";");
}

/** `n0-host:port;n1-host:port;...` in the group's peer order: identical for every member. */
export function dLegerPeers(set: BrokerSetModel): string {
  return set.members
    .filter((m) => m.dledger)
    .map((m) => `${m.dledger!.selfId}-${m.host.address}:${m.dledger!.port}`)
    .join(";");
}

/** All brokers of a cluster with their set, ordered by brokerName then brokerId. */
export function brokersOf(cluster: ClusterModel): { set: BrokerSetModel; broker: BrokerModel }[] {
  const out: { set: BrokerSetModel; broker: BrokerModel }[] = [];
  for (const set of cluster.brokerSets) for (const broker of set.members) out.push({ set, broker });
  return out;
}

/** Every controller peer of the group, in its declared order (embedded ones from the name servers). */
export function controllerPeers(
  cluster: ClusterModel,
  group: ControllerGroupModel,
): { path: string; host: HostModel; peer: ControllerPeer }[] {
  if (!group.embedded) return group.controllers.map((c) => ({ path: c.path, host: c.host, peer: c }));
  return cluster.nameServers
    .filter((ns) => ns.controller)
    .map((ns) => ({ path: ns.path, host: ns.host, peer: ns.controller! }));
}

/** `n0-host:port;n1-host:port;...`: controllerDLegerPeers, identical for every controller. */
export function controllerDLegerPeers(cluster: ClusterModel, group: ControllerGroupModel): string {
  return controllerPeers(cluster, group)
    .map((p) => `${p.peer.selfId}-${p.host.address}:${p.peer.port}`)
    .join(";");
}

/** `host:port;...` of every controller, for brokers' controllerAddr (they heartbeat to all). */
export function controllerAddr(cluster: ClusterModel): string {
  const group = cluster.controllerGroups[0];
  if (!group) return "";
  return controllerPeers(cluster, group)
    .map((p) => `${p.host.address}:${p.peer.port}`)
    .join(";");
}
