import { provider, container, volume } from "@cdktf/provider-docker";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { error } from "../../core/findings";
import { ForeignContainerModel } from "../../core/model";
import { ProcessPlan } from "../../core/plan";
import { invalidate, markHost } from "../../synth/analysis";
import { isToken, PropsReader } from "../../synth/input";
import { reportFindings } from "../../synth/report";
import { IRocketMqHost, ProcessPlacement } from "../host";
import { withoutCreationStacks } from "./creation-stacks";
import { DockerContainerSpec, dockerContainerSpec, healthcheck, storeInitSpec } from "./container-spec";
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
export interface DockerHostProps {
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

/**
 * One Docker engine on one machine. Several hosts become several aliased docker providers;
 * every RocketMQ process placed on the host is one docker_container (with its store volume, and a
 * one-shot container that gives the store to the user RocketMQ runs as) created through this host's provider.
 */
export class DockerHost extends Construct implements IRocketMqHost {
  public readonly address: string;
  /** The docker provider (aliased) that creates this host's containers and volumes. */
  public readonly provider: provider.DockerProvider;
  /** How the RocketMQ containers of this host are networked. */
  public readonly networkMode: DockerNetworkMode;
  /** The engine endpoint (`dockerHost`), when set: two hosts with one engine are one machine for every per-host rule. */
  public readonly engine?: string;
  /** @internal address or engine not known at synth (a Terraform expression, or a refused value). */
  public readonly _unresolved: readonly ("address" | "engine")[];

  constructor(scope: Construct, id: string, props: DockerHostProps) {
    super(scope, id);
    // Read every prop before anything uses it: an untyped caller gets an error on this host, never a TypeError.
    const r = new PropsReader(this.node.path);
    const o = r.object(props, `DockerHost ${id}`, true, `{ address: "10.0.0.28" }`);
    r.known(o, ["address", "dockerHost", "alias", "networkMode"]);
    const address = r.string(o, "address", { required: true, example: '"10.0.0.28"' });
    const dockerHost = r.string(o, "dockerHost", { example: '"ssh://ops@10.0.0.28"' });
    const alias =
      r.string(o, "alias", { literal: "Terraform names a provider configuration by a literal alias" }) ?? id;
    const unresolved: ("address" | "engine")[] = [];
    if (address === undefined || isToken(address)) unresolved.push("address");
    if (address !== undefined && isToken(address)) {
      r.unresolved(
        "address",
        "its format (hosts/address), a loopback address on the bridge network (hosts/loopback), a '-' or an IPv6 address in DLedger peers (dledger/host-dash, dledger/ipv6), or whether another DockerHost has the same address and so shares this machine's ports and stores",
      );
    }
    if (dockerHost !== undefined && isToken(dockerHost)) {
      unresolved.push("engine");
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
          `docker provider alias ${JSON.stringify(alias)}${o.alias === undefined ? " (the construct id)" : ""} ${aliasBad} Terraform refuses it ("Invalid provider configuration alias").`,
          `Set alias to a Terraform name, e.g. alias: "${alias.replace(/[^\p{L}\p{N}_-]+/gu, "_").replace(/^(?=[^\p{L}_])/u, "h")}".`,
        ),
      );
    }
    this.address = address ?? "";
    this.engine = dockerHost;
    this._unresolved = unresolved;
    this.networkMode =
      r.oneOf(o, "networkMode", [DockerNetworkMode.BRIDGE, DockerNetworkMode.HOST], "DockerNetworkMode") ??
      DockerNetworkMode.BRIDGE;
    this.provider = new provider.DockerProvider(this, "provider", {
      alias,
      host: dockerHost,
    });
    markHost(this);
    invalidate(this);
    reportFindings(this, r.findings);
    const docker = dockerOf(this);
    docker.hosts.push(this);
    docker.aliases = undefined;
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
  }

  /** On Docker's bridge network every container has a loopback of its own. */
  public get isolatedLoopback(): boolean {
    return this.networkMode === DockerNetworkMode.BRIDGE;
  }

  /**
   * @internal The user's own docker_containers on this host's provider, with the host ports they publish: the library's
   * processes must not collide with them. The construct tree is read once per `round` (once per model) for all hosts.
   */
  public _foreignContainers(round: object): ForeignContainerModel[] {
    const d = dockerOf(this);
    if (d.foreign?.round !== round) d.foreign = { round, byProvider: foreignByProvider(TerraformStack.of(this)) };
    return (d.foreign.byProvider.get(this.provider) ?? []).map((c) => ({ ...c, hostPath: this.node.path }));
  }

  /** @internal */
  public _placeProcess(scope: Construct, placement: ProcessPlacement, plan: () => ProcessPlan): container.Container {
    const mode = this.networkMode;
    const store = placement.store;
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
    // The store volume by reference (Terraform creates it first), written at synth as cdktf writes a reference,
    // like depends_on: no token to register, keep and resolve per container.
    const volumes = (vs: DockerContainerSpec["volumes"]): container.ContainerVolumes[] => {
      const ref = storeVolume && `\${${storeVolume.terraformResourceType}.${storeVolume.friendlyUniqueId}.name}`;
      return vs.map((v) =>
        v.volumeName
          ? { containerPath: v.containerPath, volumeName: ref ?? v.volumeName }
          : { containerPath: v.containerPath, hostPath: v.hostPath },
      );
    };
    const initConfig: PendingConfig = {
      provider: this.provider,
      user: "0:0",
      entrypoint: ["chown"],
      networkMode: "none",
      // Runs once and stops: wait for it (attach) and keep it (must_run false) so plans stay quiet.
      attach: true,
      mustRun: false,
    };
    const fillInit = (c: PlannedContainer, p: ProcessPlan) => {
      const spec = storeInitSpec(p)!;
      c.name = spec.name;
      c.image = spec.image;
      c.command = spec.command;
      c.putVolumes(volumes(spec.volumes));
      c.putLabels(spec.labels);
    };
    const init = store
      ? withoutCreationStacks(() => new PlannedContainer(scope, "store-init", initConfig, plan, fillInit))
      : undefined;
    const config: PendingConfig = {
      provider: this.provider,
      networkMode: mode,
      restart: "unless-stopped",
      healthcheck: healthcheck(placement.healthPort),
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
      c.putUpload(spec.upload);
      if (spec.volumes.length > 0) c.putVolumes(volumes(spec.volumes));
      else c.resetVolumes();
      if (spec.ports.length > 0) c.putPorts(spec.ports);
      else c.resetPorts();
      c.putLabels(spec.labels);
      c.memory = spec.memory;
      c.memorySwap = spec.memorySwap;
      // The store is handed over first; name servers and controllers start before brokers (plan.startAfter).
      // A process whose host was refused has no container (its error says why): nothing to wait for.
      const after = p.startAfter.flatMap((path) => containerAt(scope, path) ?? []);
      const dependsOn = [...(init ? [init] : []), ...after].map(
        (d) => `${d.terraformResourceType}.${d.friendlyUniqueId}`,
      );
      c.dependsOn = dependsOn.length > 0 ? dependsOn : undefined;
    };
    const c = withoutCreationStacks(() => new PlannedContainer(scope, "container", config, plan, fill));
    dockerOf(scope).containers.set(scope.node.path, c);
    return c;
  }
}

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
    private readonly plan: () => ProcessPlan,
    private readonly fillFrom: (c: PlannedContainer, plan: ProcessPlan) => void,
  ) {
    // name and image are set by fill, before cdktf reads them.
    super(scope, id, config as container.ContainerConfig);
  }

  private fill(): void {
    const plan = this.plan();
    if (plan === this.filledFrom) return;
    this.fillFrom(this, plan);
    this.filledFrom = plan;
  }

  protected synthesizeAttributes(): { [name: string]: any } {
    this.fill();
    return super.synthesizeAttributes();
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    this.fill();
    return super.synthesizeHclAttributes();
  }

  public get terraformMetaArguments(): { [name: string]: any } {
    this.fill();
    return super.terraformMetaArguments;
  }
}

/** What the Docker target keeps per stack, so that every question at synth is a lookup. */
interface StackDocker {
  readonly hosts: DockerHost[];
  /** The server container of every process placed on a DockerHost, by the process's construct path. */
  readonly containers: Map<string, container.Container>;
  /** The hosts by provider alias, for one round of the hosts/alias validations (see hostsWithAlias). */
  aliases?: { readonly byAlias: Map<string | undefined, DockerHost[]>; readonly asked: Set<DockerHost> };
  /** The user's own containers by provider, for one round of model building (see DockerHost._foreignContainers). */
  foreign?: {
    readonly round: object;
    readonly byProvider: Map<provider.DockerProvider | undefined, Omit<ForeignContainerModel, "hostPath">[]>;
  };
}

const stacks = new WeakMap<TerraformStack, StackDocker>();

function dockerOf(scope: Construct): StackDocker {
  const stack = TerraformStack.of(scope);
  let d = stacks.get(stack);
  if (!d) {
    d = { hosts: [], containers: new Map() };
    stacks.set(stack, d);
  }
  return d;
}

/**
 * Every docker_container of the stack that the library did not make (not a PlannedContainer), by its provider, with
 * its name and the host ports it publishes (none on the host network, where the process binds what it likes).
 */
function foreignByProvider(
  stack: TerraformStack,
): Map<provider.DockerProvider | undefined, Omit<ForeignContainerModel, "hostPath">[]> {
  const out = new Map<provider.DockerProvider | undefined, Omit<ForeignContainerModel, "hostPath">[]>();
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

function containerAt(scope: Construct, processPath: string): container.Container | undefined {
  return dockerOf(scope).containers.get(processPath);
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
