import { container, provider, volume } from "@cdktf/provider-docker";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { error, warning } from "../../core/findings";
import { normaliseAddress } from "../../core/machines";
import { MachineFacts, StoreModel } from "../../core/model";
import { ProcessPlan } from "../../core/plan";
import { isToken } from "../../input/reader";
import { addWarning, reportInput } from "../../input/report";
import { field, Schema } from "../../input/schema";
import { ADDRESS_FIELD, HostTakenProps, readHostProps, TAKEN_FIELDS, takenFacts } from "../host-props";
import {
  containerStore,
  dependsOnOf,
  HostOccupant,
  IRocketMqHost,
  PlacedProcess,
  ProcessRequest,
  StoreRequest,
} from "../contract";
import { DockerContainerSpec, dockerContainerSpec, initSpec, LOGS_OF_LABEL, logsVolumeName } from "./container-spec";
import { runsOnReadOnlyRoot } from "../container-image";
import { withoutCreationStacks } from "./creation-stacks";
import { aliasProblem, dockerHostProblem } from "./validate";

/** How the RocketMQ containers of a DockerHost are networked. */
export enum DockerNetworkMode {
  /**
   * Docker's default bridge network: each container has its own network stack; every port a process opens
   * is published on the machine at the same number. The host's `address` must be one that containers reach
   * (not a loopback address).
   */
  BRIDGE = "bridge",
  /**
   * The machine's own network (`network_mode = "host"`): processes bind the machine's ports directly and
   * share its loopback, so `127.0.0.1` works as the address of a one-machine (development) cluster.
   * Needs a Linux Docker engine.
   */
  HOST = "host",
}

/** Props of a DockerHost: one machine's Docker engine and the address peers and clients reach it at. */
export interface DockerHostProps extends HostTakenProps {
  /**
   * Address of the machine as clients and peers reach it: written as brokerIP1/brokerIP2, into
   * namesrvAddr and dLegerPeers. An IP address or a DNS name.
   */
  readonly address: string;
  /**
   * The Docker engine to talk to (the provider's `host`), e.g. `ssh://ops@10.0.0.28` or
   * `tcp://10.0.0.28:2376`. Every DockerHost that leaves it unset deploys to that same engine: hosts at different
   * addresses without it get the warning `hosts/default-engine`.
   * @default the provider's default: the engine DOCKER_HOST names, else the local one (unix:///var/run/docker.sock)
   */
  readonly dockerHost?: string;
  /**
   * Alias of this host's docker provider in the Terraform configuration.
   * @default the construct id
   */
  readonly alias?: string;
  /**
   * How the containers are networked. `HOST` for a cluster on one machine at `127.0.0.1`; `BRIDGE`
   * (published ports) otherwise.
   * @default DockerNetworkMode.BRIDGE
   */
  readonly networkMode?: DockerNetworkMode;
}

const DOCKER_HOST_SCHEMA: Schema<DockerHostProps> = {
  address: ADDRESS_FIELD,
  dockerHost: field.string({ example: '"ssh://ops@10.0.0.28"' }),
  alias: field.string({ literal: "Terraform names a provider configuration by a literal alias" }),
  networkMode: field.oneOf([DockerNetworkMode.BRIDGE, DockerNetworkMode.HOST], "DockerNetworkMode"),
  ...TAKEN_FIELDS,
};

/**
 * One Docker engine on one machine. Several hosts become several aliased docker providers;
 * every RocketMQ process placed on the host is one docker_container (with its store volume, and a
 * one-shot container that gives the store to the user RocketMQ runs as) created through this host's provider.
 */
export class DockerHost extends Construct implements IRocketMqHost {
  /** Address clients and peers use to reach the processes of this host (brokerIP1, namesrvAddr, dLegerPeers). */
  public readonly address: string;
  /** The docker provider (aliased) that creates this host's containers and volumes. */
  public readonly provider: provider.DockerProvider;
  /** How the RocketMQ containers of this host are networked. */
  public readonly networkMode: DockerNetworkMode;
  /**
   * The engine endpoint (`dockerHost`), when set: two hosts with one engine are one machine for every per-host rule.
   * @default none: the engine DOCKER_HOST names where cdktf deploy runs, else the local one
   */
  public readonly engine?: string;
  private readonly unresolved: string[];
  /** Its takenPorts and takenDirectories, as facts of its machine. */
  private readonly taken: Pick<MachineFacts, "takenPorts" | "takenDirectories">;

  constructor(scope: Construct, id: string, props: DockerHostProps) {
    super(scope, id);
    // Read every prop before anything uses it: an untyped caller gets an error on this host, never a TypeError.
    const {
      reader: r,
      props: read,
      raw,
      address,
      unresolved,
    } = readHostProps(
      this,
      props,
      DOCKER_HOST_SCHEMA,
      "its format (hosts/address), a loopback address on the bridge network (hosts/loopback), a '-' or an IPv6 address in DLedger peers (dledger/host-dash, dledger/ipv6), or whether another DockerHost has the same address and so shares this machine's ports and stores",
    );
    const dockerHost = read.dockerHost;
    const alias = read.alias ?? id;
    this.unresolved = unresolved;
    this.taken = takenFacts(read);
    if (dockerHost !== undefined && isToken(dockerHost)) {
      this.unresolved.push("engine");
      r.unresolved(
        "dockerHost",
        "the endpoint's form (hosts/docker-host), or whether another DockerHost uses the same engine and so shares this machine's ports, stores and container names",
      );
    } else if (dockerHost !== undefined) {
      const problem = dockerHostProblem(dockerHost);
      if (problem)
        r.findings.push(
          error(
            this.node.path,
            "hosts/docker-host",
            `dockerHost ${JSON.stringify(dockerHost)} ${problem}`,
            `Set dockerHost to the engine's endpoint, e.g. dockerHost: "ssh://ops@10.0.0.28" or "tcp://10.0.0.28:2376", or remove it for the local engine.`,
          ),
        );
    }
    const aliasBad = aliasProblem(alias);
    if (aliasBad) {
      r.findings.push(
        error(
          this.node.path,
          "hosts/alias",
          `docker provider alias ${JSON.stringify(alias)}${raw.alias === undefined ? " (the construct id)" : ""} ${aliasBad} Terraform refuses it ("Invalid provider configuration alias").`,
          `Set alias to a Terraform name, e.g. alias: "${alias.replace(/[^\p{L}\p{N}_-]+/gu, "_").replace(/^(?=[^\p{L}_])/u, "h")}".`,
        ),
      );
    }
    this.address = address;
    this.engine = dockerHost;
    this.networkMode = read.networkMode ?? DockerNetworkMode.BRIDGE;
    this.provider = new provider.DockerProvider(this, "provider", {
      alias,
      host: dockerHost,
    });
    reportInput(this, r.findings);
    const docker = dockerOf(this);
    docker.hosts.push(this);
    docker.aliases = undefined;
    docker.defaultEngine = undefined;
    this.node.addValidation({
      validate: () => {
        const others = hostsWithAlias(this, alias).filter((h) => h !== this);
        return others.length > 0 && others.every((o) => o.node.path > this.node.path)
          ? [
              `[hosts/alias] docker provider alias "${alias}" is used by ${[this, ...others].map((h) => h.node.path).join(" and ")}: Terraform rejects duplicate provider aliases. Fix: give each DockerHost a distinct id or alias.`,
            ]
          : [];
      },
    });
    this.node.addValidation({
      validate: () => {
        const w = defaultEngineWarning(this);
        if (w) addWarning(this, w);
        return [];
      },
    });
  }

  /** What the engine's containers share: on Docker's bridge network each has a network (and a loopback) of its own. */
  public get facts(): MachineFacts {
    const bridge = this.networkMode === DockerNetworkMode.BRIDGE;
    return {
      address: this.address,
      ...(this.engine !== undefined ? { engine: this.engine } : {}),
      isolatedLoopback: bridge,
      privilegedPorts: bridge,
      description: `a Docker engine on the ${bridge ? "bridge" : "host"} network`,
      ...this.taken,
      ...(this.unresolved.length > 0 ? { unresolved: [...this.unresolved] } : {}),
    };
  }

  /** A container sees its store (a named volume, or a host directory) at the image's path. */
  public storeOf(request: StoreRequest): StoreModel {
    return containerStore(request);
  }

  /**
   * The user's own docker_containers on this host's provider, with the host ports they publish: the library's
   * processes must not collide with them. The construct tree is read once for all hosts of the stack per round of
   * questions (a host that asks again starts a new round).
   */
  public occupants(): HostOccupant[] {
    const d = dockerOf(this);
    if (!d.foreign || d.foreign.asked.has(this)) {
      d.foreign = { asked: new Set(), byProvider: foreignByProvider(TerraformStack.of(this)) };
    }
    d.foreign.asked.add(this);
    return d.foreign.byProvider.get(this.provider) ?? [];
  }

  /** One docker_container per process (its store volume and store-init container first), filled from its plan at synth. */
  public placeProcess(request: ProcessRequest): PlacedProcess {
    const scope = request.scope;
    const mode = this.networkMode;
    const store = request.store;
    const docker = dockerOf(this);
    docker.placed.add(this);
    docker.defaultEngine = undefined;
    const storeVolume = store?.volume
      ? withoutCreationStacks(
          () =>
            new volume.Volume(scope, "store", {
              provider: this.provider,
              name: store.volume,
              // The commit log outlives a mistaken `destroy` or a replacement unless the user opted in.
              lifecycle: store.allowDestroy ? undefined : { preventDestroy: true },
            }),
        )
      : undefined;
    // The logs of a server on a read-only root: a volume of their own, which outlives a replaced container (and is
    // not a store: no prevent_destroy, and the change report does not count it as one).
    const readOnly = runsOnReadOnlyRoot(request.kind);
    const logsName = logsVolumeName(request.processName);
    const logsVolume = readOnly
      ? withoutCreationStacks(
          () =>
            new volume.Volume(scope, "logs", {
              provider: this.provider,
              name: logsName,
              labels: [{ label: LOGS_OF_LABEL, value: request.processName }],
            }),
        )
      : undefined;
    // The volumes by reference (Terraform creates them first), written at synth as cdktf writes a reference, like
    // depends_on: no token to register, keep and resolve per container. An anonymous volume is created with its
    // container and removed with it.
    const refOf = (v?: volume.Volume) => v && `\${${v.terraformResourceType}.${v.friendlyUniqueId}.name}`;
    const volumes = (vs: DockerContainerSpec["volumes"]): container.ContainerVolumes[] =>
      vs.map((v) =>
        v.volumeName !== undefined
          ? {
              containerPath: v.containerPath,
              volumeName: (v.volumeName === logsName ? refOf(logsVolume) : refOf(storeVolume)) ?? v.volumeName,
            }
          : v.hostPath !== undefined
            ? { containerPath: v.containerPath, hostPath: v.hostPath, ...(v.readOnly ? { readOnly: true } : {}) }
            : { containerPath: v.containerPath },
      );
    const initConfig: PendingConfig = {
      provider: this.provider,
      user: "0:0",
      networkMode: "none",
      ...STORE_INIT_PRIVILEGES,
      // Runs once and stops: wait for it (attach) and keep it (must_run false) so plans stay quiet.
      attach: true,
      mustRun: false,
    };
    const fillInit = (c: PlannedContainer, p: ProcessPlan) => {
      const spec = initSpec(p)!;
      c.name = spec.name;
      c.image = spec.image;
      c.entrypoint = spec.entrypoint;
      c.command = spec.command;
      c.putVolumes(volumes(spec.volumes));
      if (spec.upload.length > 0) c.putUpload(spec.upload);
      else c.resetUpload();
      c.putLabels(spec.labels);
    };
    const init =
      store || readOnly
        ? withoutCreationStacks(
            () => new PlannedContainer(scope, store ? "store-init" : "logs-init", initConfig, request, fillInit),
          )
        : undefined;
    const config: PendingConfig = {
      provider: this.provider,
      networkMode: mode,
      restart: "unless-stopped",
      ...SERVER_PRIVILEGES,
    };
    const fill = (c: PlannedContainer, p: ProcessPlan) => {
      const spec = dockerContainerSpec(p, mode);
      c.name = spec.name;
      c.image = spec.image;
      if (spec.command.length > 0) c.command = spec.command;
      else c.resetCommand();
      c.env = spec.env;
      if (spec.user !== undefined) c.user = spec.user;
      else c.resetUser();
      if (spec.upload.length > 0) c.putUpload(spec.upload);
      else c.resetUpload();
      if (spec.readOnly) c.readOnly = true;
      else c.resetReadOnly();
      // The init's volumes (its files' folders) by the init's id: a replaced init (changed files) replaces the server.
      const from: container.ContainerVolumes[] =
        spec.volumesFrom !== undefined && init
          ? [{ fromContainer: `\${${init.terraformResourceType}.${init.friendlyUniqueId}.id}`, readOnly: true }]
          : [];
      const all = [...volumes(spec.volumes), ...from];
      if (all.length > 0) c.putVolumes(all);
      else c.resetVolumes();
      if (spec.ports.length > 0) c.putPorts(spec.ports);
      else c.resetPorts();
      c.putLabels(spec.labels);
      c.memory = spec.memory;
      c.memorySwap = spec.memorySwap;
      // The health check probes the port the plan says the process listens on.
      c.putHealthcheck(spec.healthcheck);
      // The store is handed over first; name servers and controllers start before brokers (plan.startAfter), on
      // whichever host they are. A process whose host was refused has no resource (its error says why).
      const dependsOn = [...(init ? [init] : []), ...request.startAfter()].map(dependsOnOf);
      c.dependsOn = dependsOn.length > 0 ? dependsOn : undefined;
    };
    const c = withoutCreationStacks(() => new PlannedContainer(scope, "container", config, request, fill));
    return { dependable: c };
  }
}

/**
 * What a server container may do beyond running its process: nothing. RocketMQ runs as an unprivileged user on ports
 * above 1024 and needs no Linux capability; `no-new-privileges` keeps a setuid program from gaining any.
 */
const SERVER_PRIVILEGES = {
  securityOpts: ["no-new-privileges:true"],
  capabilities: { drop: ["ALL"] },
} as const satisfies Partial<PendingConfig>;

/**
 * The store-init container (root, no network, a fixed script) keeps only what handing a store over takes: CHOWN to
 * give it to the user RocketMQ runs as, DAC_OVERRIDE to make a directory in a parent folder root does not own.
 */
const STORE_INIT_PRIVILEGES = {
  securityOpts: ["no-new-privileges:true"],
  // Spelled as Docker keeps them (it reads CHOWN back as CAP_CHOWN, which would be a change on every plan).
  capabilities: { drop: ["ALL"], add: ["CAP_CHOWN", "CAP_DAC_OVERRIDE"] },
} as const satisfies Partial<PendingConfig>;

/** A docker_container's config before synth: name and image come from the plan. */
type PendingConfig = Omit<container.ContainerConfig, "name" | "image">;

/**
 * A docker_container whose attributes come from its process's plan, which exists only at synth (it depends
 * on constructs declared later). `fill` sets them, and depends_on, from the plan before cdktf reads them;
 * once per plan, that is once per synth, however often cdktf reads the resource.
 * Construct it inside withoutCreationStacks (see creation-stacks.ts): cdktf records a stack trace for each of
 * its nested objects.
 */
class PlannedContainer extends container.Container {
  private filledFrom?: ProcessPlan;

  constructor(
    scope: Construct,
    id: string,
    config: PendingConfig,
    private readonly request: ProcessRequest,
    private readonly fillFrom: (c: PlannedContainer, plan: ProcessPlan) => void,
  ) {
    // name and image are set by fill, before cdktf reads them.
    super(scope, id, config as container.ContainerConfig);
  }

  private fill(): void {
    const plan = this.request.plan();
    if (plan === this.filledFrom) return;
    this.fillFrom(this, plan);
    this.filledFrom = plan;
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    this.fill();
    return super.synthesizeAttributes();
  }

  protected synthesizeHclAttributes(): Record<string, unknown> {
    this.fill();
    return super.synthesizeHclAttributes();
  }

  public get terraformMetaArguments(): Record<string, unknown> {
    this.fill();
    return super.terraformMetaArguments;
  }
}

/** What the Docker target keeps per stack, so that every question at synth is a lookup. */
interface StackDocker {
  readonly hosts: DockerHost[];
  /** The hosts that run at least one process. */
  readonly placed: Set<DockerHost>;
  /** The hosts by provider alias, for one round of the hosts/alias validations (see hostsWithAlias). */
  aliases?: { readonly byAlias: Map<string | undefined, DockerHost[]>; readonly asked: Set<DockerHost> };
  /** The user's own containers by provider, for one round of questions (see DockerHost.occupants). */
  foreign?: {
    readonly asked: Set<DockerHost>;
    readonly byProvider: Map<provider.DockerProvider | undefined, HostOccupant[]>;
  };
  /** The hosts/default-engine warning and the host it is on, for one round of validations (see defaultEngineWarning). */
  defaultEngine?: {
    readonly on?: DockerHost;
    readonly finding?: ReturnType<typeof warning>;
    readonly asked: Set<DockerHost>;
  };
}

const stacks = new WeakMap<TerraformStack, StackDocker>();

function dockerOf(scope: Construct): StackDocker {
  const stack = TerraformStack.of(scope);
  let d = stacks.get(stack);
  if (!d) {
    d = { hosts: [], placed: new Set() };
    stacks.set(stack, d);
  }
  return d;
}

/**
 * DockerHosts that run processes and name no engine (`dockerHost` unset) all deploy to one engine: the one `cdktf
 * deploy` reaches through DOCKER_HOST or the local socket. When they carry different addresses, the rules take them
 * for different machines (as the user meant), but their containers would start side by side on that one engine,
 * where shared ports collide ("port is already allocated") and the addresses they advertise are not theirs.
 * One warning for the stack (`hosts/default-engine`), on the first such host by path, naming them all; computed once
 * per round of validations.
 */
function defaultEngineWarning(host: DockerHost): ReturnType<typeof warning> | undefined {
  const d = dockerOf(host);
  if (!d.defaultEngine || d.defaultEngine.asked.has(host)) {
    const hosts = [...d.placed]
      .filter((h) => h.engine === undefined && !h.facts.unresolved?.length)
      .sort((a, b) => (a.node.path < b.node.path ? -1 : a.node.path > b.node.path ? 1 : 0));
    const machines = new Set(hosts.map((h) => normaliseAddress(h.address)));
    const on = machines.size < 2 ? undefined : hosts[0];
    const finding =
      on &&
      warning(
        on.node.path,
        "hosts/default-engine",
        `${hosts.length} DockerHosts with different addresses set no dockerHost: ${hosts.map((h) => `${h.node.path} (${h.address})`).join(", ")}. All of them deploy to one Docker engine (the one DOCKER_HOST or the local socket names where cdktf deploy runs), ` +
          `so their containers would run side by side on that machine, whatever addresses they advertise, and ports they share would collide there.`,
        `set dockerHost on each of them to its machine's engine, e.g. dockerHost: "ssh://ops@${on.address}" (or "tcp://${on.address}:2376"); for one machine, declare one DockerHost.`,
      );
    d.defaultEngine = { on, finding, asked: new Set() };
  }
  d.defaultEngine.asked.add(host);
  return d.defaultEngine.on === host ? d.defaultEngine.finding : undefined;
}

/**
 * Every docker_container of the stack that the library did not make (not a PlannedContainer), by its provider, with
 * its name and the host ports it publishes (none on the host network, where the process binds what it likes).
 */
function foreignByProvider(stack: TerraformStack): Map<provider.DockerProvider | undefined, HostOccupant[]> {
  const out = new Map<provider.DockerProvider | undefined, HostOccupant[]>();
  for (const c of stack.node.findAll()) {
    if (!(c instanceof container.Container) || c instanceof PlannedContainer) continue;
    const ports: number[] = [];
    const published = c.networkModeInput === "host" ? undefined : c.portsInput;
    if (Array.isArray(published)) {
      for (const p of published) {
        const external = (p as { external?: unknown })?.external;
        if (typeof external === "number" && !isToken(external)) ports.push(external);
      }
    }
    const name = c.nameInput;
    const p = c.provider as provider.DockerProvider | undefined;
    const list = out.get(p) ?? [];
    list.push({ path: c.node.path, name: typeof name === "string" && !isToken(name) ? name : undefined, ports });
    out.set(p, list);
  }
  return out;
}

/**
 * The hosts of the stack whose provider alias is `alias` now. Grouped once for a round of validations
 * (cdktf validates every host once per synth); a host that asks again starts a new round, so an alias
 * changed between two synths is seen.
 */
function hostsWithAlias(host: DockerHost, alias: string): DockerHost[] {
  const d = dockerOf(host);
  if (!d.aliases || d.aliases.asked.has(host)) {
    const byAlias = new Map<string | undefined, DockerHost[]>();
    for (const h of d.hosts) {
      const same = byAlias.get(h.provider.alias);
      if (same) same.push(h);
      else byAlias.set(h.provider.alias, [h]);
    }
    d.aliases = { byAlias, asked: new Set() };
  }
  d.aliases.asked.add(host);
  return d.aliases.byAlias.get(alias) ?? [];
}
