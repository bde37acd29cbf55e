/**
 * Change impact: given what a change does to the RocketMQ processes of a stack, as their target read it from the
 * synthesized outputs before and after (StackChanges; the Docker target's reader is lib/targets/docker/changes.ts),
 * which processes it restarts and why, which are only updated in place, which start or stop, whether every raft group
 * and controller-mode set keeps a majority if those restarts happen at once, and how to roll the change out safely
 * when it does not. Target-neutral and pure: no cdktf, no file system.
 */
import { cmp } from "../core/findings";
import { isPodAddress, OtherChange, ProcessSnapshot, serverProperties, StackChanges } from "../core/changes";

export interface ProcessChange {
  /** `<provider alias>/<container name>`. */
  readonly key: string;
  readonly name: string;
  /** The resource address, for `tofu apply -target=<address>`. */
  readonly address: string;
  readonly role: string;
  readonly host: string;
  /** brokerName of a broker. */
  readonly brokerName?: string;
  /** Why: one line per changed attribute or key, e.g. `broker.properties fileReservedTime: 72 -> 120`. */
  readonly reasons: readonly string[];
  /** The output holding its VM's user-data, for a process of a VM (it restarts when the VM is replaced). */
  readonly vm?: string;
}

export interface GroupImpact {
  /** `DLedger group broker-c`, `controller-mode set broker-a`, `controllers group1`, `master/slave set broker-a`. */
  readonly group: string;
  readonly kind: "dledger" | "controller-set" | "controllers" | "pair";
  readonly members: readonly string[];
  readonly restarted: readonly string[];
  /** Members that must stay up for the group to work: a majority (raft), or the master (pair). */
  readonly needed: number;
  readonly keepsQuorum: boolean;
}

export interface StackImpact {
  readonly stack: string;
  readonly restarted: readonly ProcessChange[];
  readonly updatedInPlace: readonly ProcessChange[];
  readonly started: readonly ProcessChange[];
  readonly stopped: readonly ProcessChange[];
  /** Store volumes that the change deletes or renames: their data would be lost (prevent_destroy stops the plan). */
  readonly storesLost: readonly string[];
  readonly groups: readonly GroupImpact[];
  /** The name servers changed: before and after namesrvAddr of the brokers. */
  readonly namesrvAddr?: { readonly before: string; readonly after: string };
  /**
   * Waves (container names) that keep every group working, when the change restarts more than that at once: new
   * name servers first, then the restarts.
   */
  readonly waves: readonly (readonly string[])[];
  /** Container name -> resource address, for the waves' `-target`. */
  readonly addresses: Readonly<Record<string, string>>;
  /**
   * What no order of restarts avoids, each with what it costs and how to do it without loss: a broker whose store
   * moves, a broker that changes brokerName, a raft group that loses more than a minority in one change.
   */
  readonly costs: readonly string[];
  /**
   * The user's own resources of the stack that the change touches, with why: containers it replaces (a client reading
   * namesrvAddr), and resources of any provider (a VM's user-data) that hold the name server list when it changes.
   */
  readonly others: readonly OtherChange[];
  /**
   * Brokers on VMs that the change replaces, with where they keep their store: kept only if that directory is on a
   * disk the new VM gets (a data volume attached again); on the old VM's root disk the broker starts empty.
   */
  readonly storesOnReplacedVms: readonly string[];
}

/** What a restart replaces: the VM it runs on, its pod (a Kubernetes object's resource), or its container. */
function replacedThing(r: Pick<ProcessChange, "vm" | "address">): "VM" | "pod" | "container" {
  if (r.vm !== undefined) return "VM";
  return isPodAddress(r.address) ? "pod" : "container";
}

function describe(c: ProcessSnapshot): Omit<ProcessChange, "reasons"> {
  return {
    key: c.key,
    name: c.name,
    address: c.address,
    role: c.labels["rocketmq.role"] ?? "container",
    host: c.labels["rocketmq.host"] ?? "",
    brokerName: c.labels["rocketmq.brokerName"],
    ...(c.vm !== undefined ? { vm: c.vm } : {}),
  };
}

interface Group {
  name: string;
  kind: GroupImpact["kind"];
  members: string[];
}

/** Raft groups, controller-mode sets and master/slave sets, read from the containers' files and labels. */
function groupsOf(cs: ReadonlyMap<string, ProcessSnapshot>): Group[] {
  const groups = new Map<string, Group>();
  const add = (key: string, name: string, kind: GroupImpact["kind"], member: string) => {
    const g = groups.get(key) ?? { name, kind, members: [] };
    g.members.push(member);
    groups.set(key, g);
  };
  for (const c of cs.values()) {
    const props = serverProperties(c.files);
    const cluster = c.labels["rocketmq.cluster"] ?? "";
    const bn = c.labels["rocketmq.brokerName"];
    if (c.labels["rocketmq.role"] === "broker" && bn) {
      if (props.enableDLegerCommitLog === "true")
        add(`${cluster}/dledger/${bn}`, `DLedger group ${bn}`, "dledger", c.key);
      else if (props.enableControllerMode === "true")
        add(`${cluster}/cset/${bn}`, `controller-mode set ${bn}`, "controller-set", c.key);
      else add(`${cluster}/pair/${bn}`, `master/slave set ${bn}`, "pair", c.key);
    }
    if (
      props.controllerDLegerGroup &&
      (props.enableControllerInNamesrv === "true" || c.labels["rocketmq.role"] === "controller")
    ) {
      add(
        `${cluster}/controllers/${props.controllerDLegerGroup}`,
        `controllers ${props.controllerDLegerGroup}`,
        "controllers",
        c.key,
      );
    }
  }
  return [...groups.values()].sort((a, b) => cmp(a.name, b.name));
}

function isMaster(c: ProcessSnapshot | undefined): boolean {
  return c?.labels["rocketmq.brokerId"] === "0";
}

/** The impact of going from `before` to `after` (two synthesized cdk.tf.json documents of one stack). */
export function changeImpact(stack: string, changes: StackChanges): StackImpact {
  const a = changes.before;
  const b = changes.after;
  const restarted: ProcessChange[] = [];
  const updatedInPlace: ProcessChange[] = [];
  const started: ProcessChange[] = [];
  const stopped: ProcessChange[] = [];
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const ca = a.get(key);
    const cb = b.get(key);
    if (!ca) started.push({ ...describe(cb!), reasons: ["new"] });
    else if (!cb) stopped.push({ ...describe(ca), reasons: ["removed"] });
    else {
      const d = changes.diffs.get(key);
      if (!d) continue;
      if (d.replace.length) restarted.push({ ...describe(cb), reasons: [...d.replace, ...d.inPlace] });
      else if (d.inPlace.length) updatedInPlace.push({ ...describe(cb), reasons: [...d.inPlace] });
    }
  }
  const storesLost = [...changes.storesLost];

  const restartedKeys = new Set(restarted.map((r) => r.key));
  const groups: GroupImpact[] = groupsOf(b).map((g) => {
    const r = g.members.filter((m) => restartedKeys.has(m)).sort();
    if (g.kind === "pair") {
      const master = g.members.find((m) => isMaster(b.get(m)));
      return {
        group: g.name,
        kind: g.kind,
        members: g.members.sort(),
        restarted: r,
        needed: 1,
        keepsQuorum: !master || !restartedKeys.has(master),
      };
    }
    const needed = Math.floor(g.members.length / 2) + 1;
    return {
      group: g.name,
      kind: g.kind,
      members: g.members.sort(),
      restarted: r,
      needed,
      keepsQuorum: g.members.length - r.length >= needed,
    };
  });

  const addrs = (cs: ReadonlyMap<string, ProcessSnapshot>) =>
    [
      ...new Set(
        [...cs.values()]
          .filter((c) => c.labels["rocketmq.role"] === "broker")
          .map((c) => serverProperties(c.files).namesrvAddr ?? ""),
      ),
    ]
      .sort()
      .join(" | ");
  const nb = addrs(a);
  const na = addrs(b);
  const namesrvAddr = nb !== na && nb !== "" && na !== "" ? { before: nb, after: na } : undefined;

  const safe = waves(restarted, groups, b);
  const costs = costsOf(a, b);
  const newNameServers = started.filter((r) => r.role === "namesrv" || r.role === "controller").map((r) => [r.name]);
  const addresses = Object.fromEntries([...restarted, ...started].map((r) => [r.name, r.address]));
  return {
    stack,
    restarted,
    updatedInPlace,
    started,
    stopped,
    storesLost,
    groups,
    namesrvAddr,
    waves: safe.length ? [...newNameServers, ...safe] : [],
    addresses,
    costs,
    others: [...(changes.others ?? [])],
    storesOnReplacedVms: restarted
      .filter((r) => r.vm !== undefined && b.get(r.key)?.store !== undefined)
      .map((r) => `\`${r.name}\`: ${b.get(r.key)!.store}`),
  };
}

/** What a change costs whatever the order of its restarts (see StackImpact.costs). */
function costsOf(a: ReadonlyMap<string, ProcessSnapshot>, b: ReadonlyMap<string, ProcessSnapshot>): string[] {
  const out: string[] = [];
  for (const [key, cb] of [...b].sort(([x], [y]) => cmp(x, y))) {
    const ca = a.get(key);
    if (!ca) continue;
    if (ca.store !== undefined && cb.store !== undefined && ca.store !== cb.store)
      out.push(
        `\`${cb.name}\` keeps its store in ${cb.store} instead of ${ca.store}: it starts there empty, and its commit log, consume queues and consumer offsets (a master's: the messages not yet consumed) stay behind. Copy the store to the new place while the broker is stopped, or keep the store where it is.`,
      );
    const [na, nb] = [ca.labels["rocketmq.brokerName"], cb.labels["rocketmq.brokerName"]];
    if (na !== undefined && nb !== undefined && na !== nb)
      out.push(
        `\`${cb.name}\` changes brokerName from ${na} to ${nb}: set ${na}'s queues lose this broker, the consumer offsets kept for ${na} do not carry over, and messages not yet consumed from ${na} stay in its store under the new name. Add the set ${nb} as new brokers, stop writes to ${na} (its topics' write permission) and let it drain before removing it.`,
      );
  }
  for (const g of groupsOf(a)) {
    if (g.kind === "pair") continue;
    const gone = g.members.filter((m) => !b.has(m));
    const spare = g.members.length - (Math.floor(g.members.length / 2) + 1);
    if (gone.length > spare)
      out.push(
        `${g.name} goes from ${g.members.length} members to ${g.members.length - gone.length} in one change: ${gone.length} stop at once, more than the ${spare} it can lose, so it has no majority and elects no master until the change is done. Remove at most ${Math.max(1, spare)} per change, each after the others run with the smaller peer list.`,
      );
  }
  return out;
}

/**
 * Restart waves that keep every group working: within a raft group or controller-mode set at most
 * (members - majority) per wave; in a master/slave set the slaves before the master, and one set's master at a time;
 * name servers one at a time, before the brokers; on VMs one VM per wave, a set's slaves' VMs before its master's.
 */
function waves(
  restarted: ProcessChange[],
  groups: GroupImpact[],
  after: ReadonlyMap<string, ProcessSnapshot>,
): string[][] {
  const unsafe = groups.some((g) => !g.keepsQuorum) || restarted.filter((r) => r.role === "namesrv").length > 1;
  if (!unsafe) return [];
  // A VM's processes restart together (the VM is replaced): one VM per wave, after the containers; the VMs of a
  // master/slave set's slaves before its master's (fewest pair masters first), so a slave is back before its master
  // stops.
  const pairMasters = new Set(
    groups.filter((g) => g.kind === "pair").flatMap((g) => g.members.filter((m) => isMaster(after.get(m)))),
  );
  const byVm = new Map<string, string[]>();
  const mastersOn = new Map<string, number>();
  for (const r of restarted) {
    if (r.vm === undefined) continue;
    byVm.set(r.vm, [...(byVm.get(r.vm) ?? []), r.name]);
    if (pairMasters.has(r.key)) mastersOn.set(r.vm, (mastersOn.get(r.vm) ?? 0) + 1);
  }
  const vmWaves = [...byVm.keys()]
    .sort((x, y) => (mastersOn.get(x) ?? 0) - (mastersOn.get(y) ?? 0) || cmp(x, y))
    .map((vm) => byVm.get(vm)!.sort(cmp));
  return [
    ...containerWaves(
      restarted.filter((r) => r.vm === undefined),
      groups,
      after,
    ),
    ...vmWaves,
  ];
}

/**
 * The waves of the restarted containers: name servers one at a time, then each group within its quorum, the slaves of
 * every master/slave set together, then their masters one at a time.
 */
function containerWaves(
  restarted: ProcessChange[],
  groups: GroupImpact[],
  after: ReadonlyMap<string, ProcessSnapshot>,
): string[][] {
  const out: string[][] = [];
  const nameServers = restarted
    .filter((r) => r.role === "namesrv" || r.role === "controller")
    .map((r) => r.name)
    .sort();
  for (const n of nameServers) out.push([n]);
  const rest = restarted.filter((r) => r.role !== "namesrv" && r.role !== "controller");
  const remaining = new Set(rest.map((r) => r.key));
  const nameOf = new Map(rest.map((r) => [r.key, r.name]));
  while (remaining.size > 0) {
    const wave: string[] = [];
    // One master of a master/slave set per wave: the other sets' masters keep taking writes (a producer retries a
    // failed send on another broker); two masters down together leave a two-set cluster nothing to write to.
    let masterInWave = false;
    for (const g of groups) {
      const pending = g.members.filter((m) => remaining.has(m));
      if (!pending.length) continue;
      if (g.kind === "pair" && pending.every((m) => isMaster(after.get(m)))) {
        if (masterInWave) continue;
        masterInWave = true;
      }
      const capacity = g.kind === "pair" ? pending.length : Math.max(1, g.members.length - g.needed);
      // slaves before the master
      const order = [...pending].sort(
        (x, y) => Number(isMaster(after.get(x))) - Number(isMaster(after.get(y))) || cmp(x, y),
      );
      const slaves = order.filter((m) => !isMaster(after.get(m)));
      const pick = g.kind === "pair" ? (slaves.length ? slaves : order) : order.slice(0, capacity);
      for (const m of pick) {
        wave.push(nameOf.get(m)!);
        remaining.delete(m);
      }
    }
    for (const k of [...remaining].filter((k) => !groups.some((g) => g.members.includes(k)))) {
      wave.push(nameOf.get(k)!);
      remaining.delete(k);
    }
    if (!wave.length) break;
    out.push(wave.sort());
  }
  return out;
}

/** The impact as Markdown, for a pull request or a terminal. */
export function renderImpact(impacts: readonly StackImpact[]): string {
  const out: string[] = ["# RocketMQ change impact", ""];
  for (const s of impacts) {
    out.push(`## Stack \`${s.stack}\``, "");
    const nothing =
      !s.restarted.length &&
      !s.updatedInPlace.length &&
      !s.started.length &&
      !s.stopped.length &&
      !s.storesLost.length &&
      !s.costs.length &&
      !s.others.length &&
      !s.storesOnReplacedVms.length;
    if (nothing) {
      out.push("No RocketMQ process restarts, starts or stops.", "");
      continue;
    }
    if (s.storesLost.length)
      out.push(
        `**Stores deleted or renamed** (their data is lost; the volumes' prevent_destroy stops such a plan): ${s.storesLost.map((v) => `\`${v}\``).join(", ")}`,
        "",
      );
    if (s.costs.length)
      out.push("### What it costs: no order of restarts avoids it", "", ...s.costs.map((c) => `- ${c}`), "");
    if (s.storesOnReplacedVms.length)
      out.push(
        "**Stores on replaced VMs**: each broker below keeps its data only if its store is on a disk the new VM gets (attach the data volume to the new VM, one VM per wave); on the old VM's root disk it starts empty, and a raft member then copies the whole log from the leader.",
        "",
        ...s.storesOnReplacedVms.map((x) => `- ${x}`),
        "",
      );
    if (s.namesrvAddr) {
      out.push(
        `**The name servers change**: every broker's namesrvAddr goes from \`${s.namesrvAddr.before}\` to \`${s.namesrvAddr.after}\`, which rewrites its broker.properties and restarts it.`,
        "",
      );
    }
    const list = (title: string, items: readonly ProcessChange[]) => {
      if (!items.length) return;
      out.push(`### ${title} (${items.length})`, "");
      for (const r of items)
        out.push(
          `- \`${r.name}\` (${r.role}${r.brokerName ? ` ${r.brokerName}` : ""}, ${r.host}): ${r.reasons.join("; ")}`,
        );
      out.push("");
    };
    const kinds = (["container", "pod", "VM"] as const).filter((k) => s.restarted.some((r) => replacedThing(r) === k));
    list(`Restarted: ${kinds.join(" or ")} replaced`, s.restarted);
    list("Updated in place, no restart", s.updatedInPlace);
    if (s.others.length) {
      out.push(`### Your own resources that change too (${s.others.length})`, "");
      for (const o of s.others) out.push(`- \`${o.name}\` (\`${o.address}\`): ${o.reasons.join("; ")}`);
      out.push("");
    }
    list("Started", s.started);
    list("Stopped and removed", s.stopped);
    const touched = s.groups.filter((g) => g.restarted.length);
    if (touched.length) {
      out.push(
        "### Groups, if these restarts happen at once",
        "",
        "| group | members | restarted | must stay up | keeps working |",
        "|---|---|---|---|---|",
      );
      for (const g of touched)
        out.push(
          `| ${g.group} | ${g.members.length} | ${g.restarted.length} | ${g.kind === "pair" ? "the master" : `${g.needed} (majority)`} | ${g.keepsQuorum ? "yes" : "**no**"} |`,
        );
      out.push("");
    }
    if (s.waves.length) {
      out.push("### Roll it out safely", "");
      out.push(
        "Applying everything at once stops a group or every name server together. Apply in waves (`tofu apply -target=<address>`, or `cdktf deploy` after adding the processes of one wave at a time), and wait after each wave until every restarted broker is registered with every name server again (controller-mode replicas: back in the SyncStateSet):",
        "",
      );

      const vmOf = new Map([...s.restarted, ...s.started].map((r) => [r.name, r.vm]));
      s.waves.forEach((w, i) =>
        out.push(
          `${i + 1}. ${w
            .map((n) =>
              vmOf.get(n) !== undefined
                ? `\`${n}\` (replace the VM that takes output \`${vmOf.get(n)}\`)`
                : `\`${n}\` (\`-target=${s.addresses[n]}\`)`,
            )
            .join(", ")}`,
        ),
      );
      if (s.namesrvAddr)
        out.push(
          "",
          "A new name server starts first; give it to clients (their namesrvAddr) once every broker has registered with it.",
        );
      if ([...s.restarted, ...s.started].some((r) => replacedThing(r) === "pod"))
        out.push(
          "",
          "A pod is replaced after its apply returns (the provider does not wait for a StatefulSet's rollout): wait for `kubectl rollout status statefulset/<process> -n <namespace>` before waiting for its broker.",
        );
      out.push("");
    }
  }
  return out.join("\n");
}
