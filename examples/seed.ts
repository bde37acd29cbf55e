/**
 * The two clusters of the seed tutorial, as a user writes them, plus a one-host development stack.
 * main.ts synthesizes them; the lab starts them on real RocketMQ servers.
 */
import { LocalBackend, TerraformStack, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import {
  AccessControlProps,
  AclPermission,
  BrokerPair,
  ControllerBrokerSet,
  Dashboard,
  ControllerGroup,
  DLedgerGroup,
  DockerHost,
  DockerNetworkMode,
  IRocketMqHost,
  KubernetesHost,
  KubernetesHostProps,
  NameServer,
  Proxy,
  Replication,
  RocketMqApp,
  RocketMqCluster,
  RocketMqClusterProps,
  RocketMqVersion,
  TlsMode,
  TlsProps,
  VmDistribution,
  VmHost,
} from "../lib";
import { PropertyValue } from "../lib/core";

/**
 * What a deployment of the examples may choose without editing them, through the library's public props
 * only: which Docker engine serves each machine, which image each cluster runs, whether the stores may be
 * destroyed, and extra settings of a master (the deploy lab uses these to run the stacks on its own engines).
 */
export interface ExampleOptions {
  /** The Docker engine of the machine at `address` (DockerHost `dockerHost`). @default `ssh://ops@<address>`; dev: the local engine */
  readonly dockerHostOf?: (address: string) => string | undefined;
  /** The image of a cluster of RocketMQ `version` (RocketMqCluster `image`). @default `apache/rocketmq:<version>` */
  readonly imageOf?: (version: string) => string;
  /** RocketMqCluster `allowStoreDestroy` of every cluster. @default false */
  readonly allowStoreDestroy?: boolean;
  /** Extra broker.properties of the master of each BrokerPair, by brokerName. @default none */
  readonly masterProperties?: Readonly<Record<string, Readonly<Record<string, PropertyValue>>>>;
  /** The host directory of a store named `name` on the machine at `address`. @default `/data/rocketmq/<name>` */
  readonly storeDirOf?: (address: string, name: string) => string;
  /** The image of the console (Dashboard `image`). @default apacherocketmq/rocketmq-dashboard:2.1.0 */
  readonly dashboardImage?: string;
  /** The RocketMQ distribution of the VMs (VmHost `distribution`). @default the Apache archive's zip of the version */
  readonly vmDistribution?: VmDistribution;
  /** Extra topic permissions of seed-secured's (and seed-secured-vm's) accounts, by account name, over the example's own. @default none */
  readonly userTopicPermissions?: Readonly<Record<string, Readonly<Record<string, AclPermission>>>>;
  /**
   * The JVM heap of every broker and of every name server (and so of the controllers they embed, and of a proxy) of
   * the SYNC pair, DLedger (Docker and VM) and controller-mode examples: a change that restarts every one of those
   * processes.
   * @default brokers 512 MiB, name servers 256 MiB
   */
  readonly heapMb?: { readonly broker: number; readonly nameServer: number };
  /** Name servers added to seed-2m-2s-sync (1: at 9877 on .28; 2: also at 9877 on .29). @default 0 */
  readonly extraNameServers?: number;
  /** The kubeconfig file of the Kubernetes examples' provider (KubernetesHost `configPath`). @default the provider's default */
  readonly kubeconfig?: string;
  /** The storage class of the Kubernetes examples' claims (KubernetesHost `storageClassName`). @default the cluster's default */
  readonly storageClassName?: string;
}

/** The JVMs of the rolled examples' brokers and name servers (ExampleOptions `heapMb`). */
function rolledJvms(options: ExampleOptions): Pick<RocketMqClusterProps, "brokerJvm" | "nameServerJvm"> {
  return {
    brokerJvm: { heapMb: options.heapMb?.broker ?? 512, directMemoryMb: 512 },
    nameServerJvm: { heapMb: options.heapMb?.nameServer ?? 256, directMemoryMb: 128 },
  };
}

function storeDir(options: ExampleOptions, address: string, name: string): string {
  return options.storeDirOf ? options.storeDirOf(address, name) : `/data/rocketmq/${name}`;
}

function remote(options: ExampleOptions, address: string): string | undefined {
  return options.dockerHostOf ? options.dockerHostOf(address) : `ssh://ops@${address}`;
}

function clusterProps(
  options: ExampleOptions,
  props: RocketMqClusterProps & { version: RocketMqVersion },
): RocketMqClusterProps {
  return { ...props, image: options.imageOf?.(props.version.version), allowStoreDestroy: options.allowStoreDestroy };
}

/**
 * 2 masters + 2 SYNC slaves on two machines, placed crosswise: broker-a's master and broker-b's
 * slave on .28, the reverse on .29. The slaves listen on 11911 because 10911 is taken on the
 * same host by the other set's master (10912 would collide with its HA port 10911+1). The masters
 * keep their stores in named volumes, the slaves in host directories (a machine's data disk).
 */
export class SeedSyncStack extends TerraformStack {
  constructor(scope: Construct, id: string, options: ExampleOptions = {}) {
    super(scope, id);
    localState(this, id);
    const h28 = new DockerHost(this, "h28", { address: "172.17.160.28", dockerHost: remote(options, "172.17.160.28") });
    const h29 = new DockerHost(this, "h29", { address: "172.17.160.29", dockerHost: remote(options, "172.17.160.29") });
    const cluster = new RocketMqCluster(
      this,
      "rmq",
      clusterProps(options, {
        clusterName: "DefaultCluster",
        version: RocketMqVersion.V4_9_8,
        ...rolledJvms(options),
      }),
    );
    new NameServer(cluster, "ns28", { host: h28 });
    new NameServer(cluster, "ns29", { host: h29 });
    [h28, h29]
      .slice(0, options.extraNameServers ?? 0)
      .forEach((host) => new NameServer(cluster, `ns${host.address.split(".")[3]}b`, { host, listenPort: 9877 }));
    const master = (brokerName: string, host: DockerHost) => ({
      host,
      properties: options.masterProperties?.[brokerName],
    });
    const slave = (brokerName: string, host: DockerHost) => ({
      host,
      listenPort: 11911,
      store: { hostPath: storeDir(options, host.address, `${brokerName}-s`) },
    });
    new BrokerPair(cluster, "broker-a", {
      replication: Replication.SYNC,
      master: master("broker-a", h28),
      slaves: [slave("broker-a", h29)],
    });
    new BrokerPair(cluster, "broker-b", {
      replication: Replication.SYNC,
      master: master("broker-b", h29),
      slaves: [slave("broker-b", h28)],
    });
    // The console, pointed at both name servers by the library (the stack prints its URL).
    new Dashboard(cluster, "console", { host: h28, image: options.dashboardImage });
  }
}

/** One DLedger raft group (one master, two slaves, elected) on three machines, a name server on each. */
export class SeedDLedgerStack extends TerraformStack {
  constructor(scope: Construct, id: string, options: ExampleOptions = {}, shape: DLedgerShape = DLEDGER) {
    super(scope, id);
    localState(this, id);
    const hosts = shape.machines.map(
      (n) =>
        new DockerHost(this, `h${n}`, { address: `172.17.160.${n}`, dockerHost: remote(options, `172.17.160.${n}`) }),
    );
    const cluster = new RocketMqCluster(
      this,
      "rmq",
      clusterProps(options, {
        clusterName: shape.clusterName,
        version: shape.version,
        ...rolledJvms(options),
        ...(shape.secured ? { accessControl: securedAccounts(this, options) } : {}),
        ...(shape.portOffset !== undefined ? { portOffset: shape.portOffset } : {}),
      }),
    );
    hosts.forEach((host, i) => new NameServer(cluster, `ns${shape.machines[i]}`, { host }));
    new DLedgerGroup(cluster, "broker-c", { peers: hosts.map((host) => ({ host })) });
    if (shape.secured) encryptStateWithOpenTofu(this, sensitiveVariable(this, "statePassphrase"));
  }
}

/** What differs between the DLedger examples: the release, the machines, access control. */
export interface DLedgerShape {
  readonly clusterName: string;
  readonly version: RocketMqVersion;
  /** The last byte of the three machines' addresses (172.17.160.x). */
  readonly machines: [number, number, number];
  /** The secured examples' accounts (access control 1.0 on 4.x, 2.0 on 5.x) and an encrypted state. */
  readonly secured?: boolean;
  /** The cluster's portOffset: every port the library chooses moves by it (a second cluster on shared machines). */
  readonly portOffset?: number;
}

/** seed-dledger: the tutorial's raft group, RocketMQ 4.9.8. */
export const DLEDGER: DLedgerShape = {
  clusterName: "RaftCluster",
  version: RocketMqVersion.V4_9_8,
  machines: [28, 29, 30],
};
/** seed-dledger-secured: the same with access control 1.0 (the followers' copies let in by the white list), on ports moved by portOffset. */
export const DLEDGER_SECURED_4X: DLedgerShape = {
  clusterName: "SecuredRaft",
  version: RocketMqVersion.V4_9_8,
  machines: [55, 56, 57],
  secured: true,
  // The ports a second cluster on shared machines gets: name servers at 9976, brokers at 11011, raft at 41011-41013
  // (the labs prove such a cluster elects, replicates and fails over on them).
  portOffset: 100,
};
/** seed-dledger-secured-5x: on 5.5.0 with access control 2.0 (the followers' copies signed as the system account). */
export const DLEDGER_SECURED_5X: DLedgerShape = {
  clusterName: "SecuredRaft5",
  version: RocketMqVersion.V5_5_0,
  machines: [58, 59, 60],
  secured: true,
};

/**
 * The tutorial's DLedger group on three virtual machines instead of Docker engines: the same declaration with VmHost
 * for DockerHost. Each VM gets one cloud-init user-data document (the stack output `<host>_userData`) that installs
 * Java and RocketMQ and runs a name server and a raft peer as systemd units.
 */
export class SeedDLedgerVmStack extends TerraformStack {
  constructor(scope: Construct, id: string, options: ExampleOptions = {}) {
    super(scope, id);
    localState(this, id);
    const hosts = [28, 29, 30].map(
      (n) => new VmHost(this, `vm${n}`, { address: `172.17.160.${n}`, distribution: options.vmDistribution }),
    );
    const cluster = new RocketMqCluster(
      this,
      "rmq",
      clusterProps(options, {
        clusterName: "RaftCluster",
        version: RocketMqVersion.V4_9_8,
        ...rolledJvms(options),
      }),
    );
    hosts.forEach((host, i) => new NameServer(cluster, `ns${28 + i}`, { host }));
    new DLedgerGroup(cluster, "broker-c", { peers: hosts.map((host) => ({ host })) });
  }
}

/**
 * RocketMQ 5: automatic failover through the controller, without a DLedger commit log. Three
 * name servers each embed a controller (enableControllerInNamesrv); broker-a has three replicas
 * that the controller elects a master among; a proxy in cluster mode serves gRPC clients.
 */
export class SeedControllerStack extends TerraformStack {
  constructor(scope: Construct, id: string, options: ExampleOptions = {}) {
    super(scope, id);
    localState(this, id);
    const hosts = [41, 42, 43].map(
      (n) =>
        new DockerHost(this, `h${n}`, { address: `172.17.160.${n}`, dockerHost: remote(options, `172.17.160.${n}`) }),
    );
    const cluster = new RocketMqCluster(
      this,
      "rmq",
      clusterProps(options, {
        clusterName: "ControllerCluster",
        version: RocketMqVersion.V5_5_0,
        ...rolledJvms(options),
      }),
    );
    const nameServers = hosts.map((host, i) => new NameServer(cluster, `ns${41 + i}`, { host }));
    new ControllerGroup(cluster, "controllers", { inNameServers: nameServers.map((nameServer) => ({ nameServer })) });
    new ControllerBrokerSet(cluster, "broker-a", { brokers: hosts.map((host) => ({ host })) });
    new Proxy(cluster, "proxy", { host: hosts[0] });
  }
}

/** A Kubernetes example's host: one namespace, what the deployment chose (kubeconfig, storage class). */
function kubernetesHost(scope: Construct, options: ExampleOptions, namespace: string): KubernetesHost {
  const props: KubernetesHostProps = {
    namespace,
    ...(options.kubeconfig !== undefined ? { configPath: options.kubeconfig } : {}),
    ...(options.storageClassName !== undefined ? { storageClassName: options.storageClassName } : {}),
  };
  return new KubernetesHost(scope, "k8s", props);
}

/**
 * The Kubernetes examples size each pod and let the JVM follow: a broker's 1280 MiB give 256 MiB to metaspace, stacks
 * and code cache and 512 + 512 to heap and direct memory; a name server's (controller's, proxy's) 640 MiB give 256 +
 * 128. The same JVMs as the Docker examples'.
 */
const KUBERNETES_JVMS: Pick<RocketMqClusterProps, "brokerJvm" | "nameServerJvm"> = {
  brokerJvm: { memoryMb: 1280 },
  nameServerJvm: { memoryMb: 640 },
};

/**
 * seed-dledger on Kubernetes: the same declaration with one KubernetesHost (namespace `rocketmq`) for the three
 * DockerHosts. Three name servers and a raft group of three, each a pod of its own, the peers on three nodes; clients
 * outside the cluster dial each node's address (hostPort).
 */
export class SeedDLedgerKubernetesStack extends TerraformStack {
  constructor(scope: Construct, id: string, options: ExampleOptions = {}) {
    super(scope, id);
    localState(this, id);
    const k8s = kubernetesHost(this, options, "rocketmq");
    const cluster = new RocketMqCluster(
      this,
      "rmq",
      clusterProps(options, { clusterName: DLEDGER.clusterName, version: DLEDGER.version, ...KUBERNETES_JVMS }),
    );
    for (const n of DLEDGER.machines) new NameServer(cluster, `ns${n}`, { host: k8s });
    new DLedgerGroup(cluster, "broker-c", { peers: DLEDGER.machines.map(() => ({ host: k8s })) });
  }
}

/**
 * seed-5x-controller on Kubernetes (namespace `rocketmq5`): three name servers embedding the controllers, a
 * controller-mode set of three replicas and a proxy, each a pod of its own.
 */
export class SeedControllerKubernetesStack extends TerraformStack {
  constructor(scope: Construct, id: string, options: ExampleOptions = {}) {
    super(scope, id);
    localState(this, id);
    const k8s = kubernetesHost(this, options, "rocketmq5");
    const cluster = new RocketMqCluster(
      this,
      "rmq",
      clusterProps(options, {
        clusterName: "ControllerCluster",
        version: RocketMqVersion.V5_5_0,
        ...KUBERNETES_JVMS,
      }),
    );
    const nameServers = [41, 42, 43].map((n) => new NameServer(cluster, `ns${n}`, { host: k8s }));
    new ControllerGroup(cluster, "controllers", { inNameServers: nameServers.map((nameServer) => ({ nameServer })) });
    new ControllerBrokerSet(cluster, "broker-a", { brokers: nameServers.map(() => ({ host: k8s })) });
    new Proxy(cluster, "proxy", { host: k8s });
  }
}

/**
 * Development: everything on the local Docker engine, at 127.0.0.1. The containers use the machine's own
 * network (host networking): on Docker's bridge network 127.0.0.1 would be each container itself and the
 * broker could never reach its name server. A client on the machine reaches the cluster at the printed
 * namesrvAddr. Two brokers on one host need listen ports at least 4 apart (each also opens listenPort-2
 * and listenPort+1).
 */
export class DevStack extends TerraformStack {
  constructor(scope: Construct, id: string, options: ExampleOptions = {}) {
    super(scope, id);
    localState(this, id);
    const local = new DockerHost(this, "local", {
      address: "127.0.0.1",
      networkMode: DockerNetworkMode.HOST,
      dockerHost: options.dockerHostOf?.("127.0.0.1"),
    });
    const cluster = new RocketMqCluster(
      this,
      "rmq",
      clusterProps(options, {
        clusterName: "DevCluster",
        version: RocketMqVersion.V4_9_8,
        brokerJvm: { heapMb: 512, directMemoryMb: 512 },
        nameServerJvm: { heapMb: 256, directMemoryMb: 128 },
      }),
    );
    new NameServer(cluster, "ns", { host: local });
    new BrokerPair(cluster, "broker-dev", { replication: Replication.ASYNC, master: { host: local } });
  }
}

/** What differs between the secured examples: the release (and so the access control), the machines, a proxy. */
export interface SecuredShape {
  readonly clusterName: string;
  readonly version: RocketMqVersion;
  /** The last byte of the two machines' addresses (172.17.160.x). */
  readonly machines: [number, number];
  /** A cluster-mode proxy on the master's machine (5.x). */
  readonly proxy?: boolean;
  /**
   * Let consumers read from the slave (5.x refuses a pull on a slave without it, "system busy": with the master down,
   * nothing could be read; 4.x slaves serve reads anyway).
   */
  readonly slaveReadEnable?: boolean;
  /** TLS enforcing on every server, the certificate, its private key and the CA from Terraform variables. */
  readonly tls?: boolean;
}

/** seed-secured: RocketMQ 4.9.8, access control 1.0 (aclEnable, plain_acl.yml). */
export const SECURED_4X: SecuredShape = {
  clusterName: "SecuredCluster",
  version: RocketMqVersion.V4_9_8,
  machines: [51, 52],
};
/**
 * seed-secured-5x: RocketMQ 5.5.0, access control 2.0 (the providers; the accounts migrated into every broker's
 * store at start), with a proxy that checks clients against them.
 */
export const SECURED_5X: SecuredShape = {
  clusterName: "SecuredCluster5",
  version: RocketMqVersion.V5_5_0,
  machines: [53, 54],
  proxy: true,
  slaveReadEnable: true,
};
/**
 * seed-tls: a secured production cluster, seed-secured-5x's access control 2.0 and proxy plus TLS enforcing: a
 * plaintext client is refused by every server, clients and members speak TLS and check the servers' certificate
 * against the CA.
 */
export const SECURED_TLS: SecuredShape = { ...SECURED_5X, clusterName: "TlsCluster", machines: [61, 62], tls: true };

/**
 * A secured production cluster: every client signs with an account, each account may touch only its topics and
 * groups, and every secret comes from a Terraform variable marked sensitive (`TF_VAR_adminSecret=... cdktf deploy`),
 * so that none is in the synthesized output. A master and its SYNC slave on two machines, a name server on each, and
 * the console, which signs with the admin account. On 4.9.8 (SECURED_4X) access control 1.0, on 5.5.0 (SECURED_5X)
 * access control 2.0 and a proxy.
 */
export class SeedSecuredStack extends TerraformStack {
  constructor(scope: Construct, id: string, options: ExampleOptions = {}, shape: SecuredShape = SECURED_4X) {
    super(scope, id);
    localState(this, id);
    const [h1, h2] = shape.machines.map(
      (n) =>
        new DockerHost(this, `h${n}`, { address: `172.17.160.${n}`, dockerHost: remote(options, `172.17.160.${n}`) }),
    );
    const cluster = securedMasterSlave(this, options, shape, [h1, h2]);
    new Dashboard(cluster, "console", { host: h1, image: options.dashboardImage });
    // The state holds the secrets in plain text (the files' content, the console's environment): OpenTofu encrypts it.
    encryptStateWithOpenTofu(this, sensitiveVariable(this, "statePassphrase"));
  }
}

/**
 * The secured examples' cluster on two machines of any target: a name server on each, a master and its SYNC slave,
 * the shared accounts, and a proxy on the first machine when the shape asks for one.
 */
function securedMasterSlave(
  stack: TerraformStack,
  options: ExampleOptions,
  shape: SecuredShape,
  [m1, m2]: IRocketMqHost[],
): RocketMqCluster {
  const cluster = new RocketMqCluster(
    stack,
    "rmq",
    clusterProps(options, {
      clusterName: shape.clusterName,
      version: shape.version,
      ...(shape.slaveReadEnable ? { brokerProperties: { slaveReadEnable: true } } : {}),
      ...rolledJvms(options),
      accessControl: securedAccounts(stack, options),
      ...(shape.tls ? { tls: tlsFromVariables(stack) } : {}),
    }),
  );
  new NameServer(cluster, `ns${shape.machines[0]}`, { host: m1 });
  new NameServer(cluster, `ns${shape.machines[1]}`, { host: m2 });
  new BrokerPair(cluster, "broker-a", {
    replication: Replication.SYNC,
    master: { host: m1, properties: options.masterProperties?.["broker-a"] },
    slaves: [{ host: m2 }],
  });
  if (shape.proxy) new Proxy(cluster, "proxy", { host: m1 });
  return cluster;
}

/** A Terraform variable marked sensitive: a secret that is never in the synthesized output. */
function sensitiveVariable(stack: TerraformStack, name: string): string {
  return new TerraformVariable(stack, name, { type: "string", sensitive: true, description: `RocketMQ secret ${name}` })
    .stringValue;
}

/**
 * TLS enforcing with the cluster's certificate (`TF_VAR_tlsCertificate`), its PKCS#8 private key (`TF_VAR_tlsPrivateKey`,
 * sensitive) and the CA that signed it (`TF_VAR_tlsCa`), e.g. `TF_VAR_tlsPrivateKey="$(cat server.key)"`.
 */
function tlsFromVariables(stack: TerraformStack): TlsProps {
  const pem = (name: string, what: string) =>
    new TerraformVariable(stack, name, { type: "string", description: `PEM: ${what}` }).stringValue;
  return {
    mode: TlsMode.ENFORCING,
    certificate: pem("tlsCertificate", "the servers' certificate"),
    privateKey: sensitiveVariable(stack, "tlsPrivateKey"),
    trustCertificate: pem("tlsCa", "the CA certificate that signed it"),
  };
}

/**
 * The secured examples' accounts, each secret a sensitive variable: the admin (the library's own processes sign
 * with it), an application that produces and consumes Orders, and an auditor that only reads it.
 */
function securedAccounts(stack: TerraformStack, options: ExampleOptions): AccessControlProps {
  const topics = (user: string, own: Record<string, AclPermission>) => ({
    ...own,
    ...options.userTopicPermissions?.[user],
  });
  return {
    users: [
      { name: "rocketmq-admin", secret: sensitiveVariable(stack, "adminSecret"), admin: true },
      {
        name: "orders-app",
        secret: sensitiveVariable(stack, "ordersSecret"),
        topicPermissions: topics("orders-app", { Orders: AclPermission.PUB_SUB }),
        groupPermissions: { "orders-consumers": AclPermission.SUB },
      },
      {
        name: "orders-audit",
        secret: sensitiveVariable(stack, "auditSecret"),
        topicPermissions: topics("orders-audit", { Orders: AclPermission.SUB }),
        groupPermissions: { "orders-audit": AclPermission.SUB },
      },
    ],
  };
}

/**
 * seed-tls-vm: seed-secured-vm-5x (access control 2.0 on 5.5.0, a proxy) with TLS enforcing on two VMs: a plaintext
 * client is refused by every server; the key's file on each VM is the rocketmq user's only.
 */
export const SECURED_TLS_VM: SecuredShape = {
  ...SECURED_5X,
  clusterName: "TlsVmCluster",
  machines: [63, 64],
  tls: true,
};

/**
 * seed-secured on two virtual machines instead of Docker engines: the same accounts, secrets from the same sensitive
 * variables, the same SYNC master and slave, with VmHost for DockerHost (and no console: a VM runs no container). Each
 * VM's user-data carries plain_acl.yml with the secrets in it, so its output (`<host>_userData`) is sensitive, and the
 * state holds it: OpenTofu encrypts the state. On the VM the file belongs to the rocketmq user, mode 0640.
 */
export class SeedSecuredVmStack extends TerraformStack {
  constructor(scope: Construct, id: string, options: ExampleOptions = {}, shape: SecuredShape = SECURED_4X) {
    super(scope, id);
    localState(this, id);
    const [vm1, vm2] = shape.machines.map(
      (n) => new VmHost(this, `vm${n}`, { address: `172.17.160.${n}`, distribution: options.vmDistribution }),
    );
    securedMasterSlave(this, options, shape, [vm1, vm2]);
    encryptStateWithOpenTofu(this, sensitiveVariable(this, "statePassphrase"));
  }
}

/**
 * OpenTofu's state (and plan) encryption, with a key derived from a passphrase (PBKDF2, AES-GCM): the state file then
 * holds no secret in plain text. The passphrase is a sensitive variable too (at least 16 characters). OpenTofu only
 * (1.7 and later): Terraform refuses the `encryption` block; with Terraform, remove this and keep the state in a backend
 * that encrypts it. In JSON, the encryption block takes references as bare strings (`key_provider.pbkdf2.state`).
 */
export function encryptStateWithOpenTofu(stack: TerraformStack, passphrase: string): void {
  stack.addOverride("terraform.encryption", {
    key_provider: { pbkdf2: { state: { passphrase } } },
    method: { aes_gcm: { state: { keys: "key_provider.pbkdf2.state" } } },
    state: { method: "method.aes_gcm.state", enforced: true },
    plan: { method: "method.aes_gcm.state", enforced: true },
  });
}

/**
 * State next to the project, named relative to the stack's working directory
 * (cdktf.out/stacks/<id>), so the synthesized JSON holds no path of the build machine.
 */
function localState(stack: TerraformStack, id: string): void {
  new LocalBackend(stack, { path: `../../../terraform.${id}.tfstate` });
}

export function buildExamples(app: Construct, options: ExampleOptions = {}): void {
  const stacks = [
    new SeedSyncStack(app, "seed-2m-2s-sync", options),
    new SeedDLedgerStack(app, "seed-dledger", options, DLEDGER),
    new SeedDLedgerStack(app, "seed-dledger-secured", options, DLEDGER_SECURED_4X),
    new SeedDLedgerStack(app, "seed-dledger-secured-5x", options, DLEDGER_SECURED_5X),
    new SeedDLedgerVmStack(app, "seed-dledger-vm", options),
    new SeedControllerStack(app, "seed-5x-controller", options),
    new DevStack(app, "dev", options),
    new SeedSecuredStack(app, "seed-secured", options, SECURED_4X),
    new SeedSecuredStack(app, "seed-secured-5x", options, SECURED_5X),
    new SeedSecuredStack(app, "seed-tls", options, SECURED_TLS),
    new SeedSecuredVmStack(app, "seed-secured-vm", options, SECURED_4X),
    new SeedSecuredVmStack(app, "seed-secured-vm-5x", options, SECURED_5X),
    new SeedSecuredVmStack(app, "seed-tls-vm", options, SECURED_TLS_VM),
    new SeedDLedgerKubernetesStack(app, "seed-dledger-k8s", options),
    new SeedControllerKubernetesStack(app, "seed-5x-controller-k8s", options),
  ];
  // Each example is an alternative, deployed on its own by a lab; several take the same machines (the seed clusters
  // of the brief all use 172.17.160.28-30, a VM twin its Docker stack's addresses). Stacks of an app deployed side by
  // side leave this out: the per-machine rules then compare their processes across the stacks.
  for (const stack of stacks) RocketMqApp.deployedAlone(stack);
}
