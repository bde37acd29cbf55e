/**
 * A change turned into rollout waves a pipeline runs: each wave's Terraform targets (or the VMs to replace), then a
 * bounded wait until the wave's brokers are registered with every name server again and their sets in sync
 * (`rocketmq-cdktf wait`), and a last apply of everything. The waves are the change report's (lib/report/impact.ts):
 * name servers one at a time, slaves before their master, at most a minority of a raft group at once, one VM at a
 * time. Pure: no file system.
 */
import { isPodAddress, ProcessSnapshot, serverProperties, StackChanges } from "../core/changes";
import { changeImpact, StackImpact } from "../report/impact";
import { BrokerTable, ExpectedBroker } from "./remoting";

export interface RolloutWave {
  /** The processes the wave restarts or starts (container or unit names). */
  readonly processes: readonly string[];
  /** The resource addresses to apply (`tofu apply -target=`); a container's init comes with it (a dependency). */
  readonly targets: readonly string[];
  /** The stack outputs of the VMs to replace in this wave (their user-data changed). */
  readonly vms: readonly string[];
  /** The brokers that must be registered again before the next wave. */
  readonly waitFor: readonly ExpectedBroker[];
  /** The name servers the wave restarts or starts: they must answer before the next wave. */
  readonly nameServers: readonly string[];
  /**
   * For each of the wave's name servers, the running brokers that must be registered with it before the next wave: a
   * name server starts empty and learns a broker at its next registration (every 30 s), so until then it answers "No
   * route info" for their topics. The brokers running then whose namesrvAddr names it (restarted in an earlier wave:
   * as after the change; not yet: as before it); none for a name server no running broker knows yet (a new one).
   */
  readonly listedBy: readonly NameServerListing[];
  /**
   * The DLedger members the wave restarts: each hands its group's leadership over first if it leads when the wave
   * runs (`rocketmq-cdktf handover`), so the group does not wait for an election.
   */
  readonly handovers: readonly Handover[];
}

/** A name server a wave restarts or starts, and the brokers it must list before the next wave. */
export interface NameServerListing {
  /** `host:listenPort`. */
  readonly nameServer: string;
  readonly brokers: readonly ExpectedBroker[];
}

/** A DLedger member a wave restarts, as `rocketmq-cdktf handover` takes it. */
export interface Handover {
  /** Its process (container or unit name). */
  readonly process: string;
  /** dLegerGroup. */
  readonly group: string;
  /** dLegerPeers. */
  readonly peers: string;
  /** dLegerSelfId. */
  readonly selfId: string;
}

/**
 * Who leads each elected group (DLedger, controller mode) when the rollout is planned: the running cluster's table
 * (brokerId 0 is a group's master), or why it could not be asked.
 */
export type Leaders = { readonly table: BrokerTable; readonly from: string } | { readonly unknown: string };

export interface StackRollout {
  readonly stack: string;
  /**
   * How the members of each elected group were ordered: its leader last (asked from the running cluster), or, when it
   * could not be asked, as declared (at most a minority at once either way).
   */
  readonly order: readonly string[];
  /** The name servers to ask between waves (the brokers' namesrvAddr after the change). */
  readonly nameServers: readonly string[];
  readonly waves: readonly RolloutWave[];
  /** What no order avoids (StackImpact.costs): a pipeline should stop and ask a person. */
  readonly costs: readonly string[];
  /**
   * The rollout waits for brokers that check access control (ACL 1.0 `aclEnable`, ACL 2.0 `authenticationEnabled`):
   * the waits sign their requests with an account of the cluster (ROCKETMQ_ACCESS_KEY, ROCKETMQ_SECRET_KEY in the
   * environment).
   */
  readonly accessControl: boolean;
}

/**
 * Within each elected group, the members in the same wave slots, its leader moved to the last: each restart of a
 * follower keeps the leader, and only the last one makes the group elect (once). Answers the new waves and one line
 * per group saying what was done.
 */
function leaderLast(
  groups: string[][],
  after: ReadonlyMap<string, ProcessSnapshot>,
  leaders: Leaders | undefined,
): { waves: string[][]; order: string[] } {
  const bySet = new Map<
    string,
    { slots: [number, number][]; members: { name: string; addr: string; vm: string | undefined }[] }
  >();
  groups.forEach((wave, w) =>
    wave.forEach((name, i) => {
      const s = after.get(name);
      if (!s) return;
      const props = serverProperties(s.files);
      const elected = isElected(props);
      const b = expectedBroker(s)[0];
      if (!elected || !b) return;
      const set = bySet.get(b.brokerName) ?? { slots: [], members: [] };
      set.slots.push([w, i]);
      set.members.push({ name, addr: b.addr, vm: s.vm });
      bySet.set(b.brokerName, set);
    }),
  );
  const waves = groups.map((w) => [...w]);
  const order: string[] = [];
  for (const [brokerName, set] of [...bySet].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (set.members.length < 2) continue;
    if (leaders === undefined || "unknown" in leaders) {
      order.push(
        `${brokerName}: members in declared order (the leader was not asked${leaders ? `: ${leaders.unknown}` : "; give --namesrv"}); at most a minority at once, so the group keeps a quorum, but it may elect more than once`,
      );
      continue;
    }
    const leader = leaders.table[brokerName]?.addrs["0"];
    const at = set.members.findIndex((m) => m.addr === leader);
    if (at < 0) {
      order.push(
        `${brokerName}: ${leader ? `its leader ${leader} is not one of the members restarted` : `no leader registered with ${leaders.from}`}: members in declared order`,
      );
      continue;
    }
    if (set.members[at].vm !== undefined) {
      // A VM's processes go together (the VM is replaced): the leader's VM's wave moves after the other members'.
      // (found by name: an earlier group's move may have shifted the waves)
      const waveOf = (name: string) => waves.findIndex((w) => w.includes(name));
      const own = waveOf(set.members[at].name);
      const last = Math.max(...set.members.map((m) => waveOf(m.name)));
      if (last !== own) {
        const moved = waves.splice(own, 1)[0];
        waves.splice(last, 0, moved);
      }
    } else {
      const members = [...set.members.slice(0, at), ...set.members.slice(at + 1), set.members[at]];
      set.slots.forEach(([w, i], k) => (waves[w][i] = members[k].name));
    }
    order.push(
      `${brokerName}: the leader ${set.members[at].name} (${leader}, as ${leaders.from} lists it) restarts last, after its followers: the group elects once`,
    );
  }
  return { waves: waves.map((w) => w.sort()), order };
}

/**
 * The rollout of one stack's change; `leaders`: who leads each elected group now (see Leaders), to restart it last.
 */
export function planRollout(stack: string, changes: StackChanges, leaders?: Leaders): StackRollout {
  const impact: StackImpact = changeImpact(stack, changes);
  const after = new Map([...changes.after.values()].map((s) => [s.name, s]));
  const moving = [...impact.restarted, ...impact.started];
  // The report's waves when all at once would stop a group; else one wave. New processes that are not name servers
  // start in the last wave (the report's waves name the restarts and the new name servers).
  const named = new Set(impact.waves.flat());
  const rest = moving.map((p) => p.name).filter((n) => !named.has(n));
  const groups: string[][] = impact.waves.length ? impact.waves.map((w) => [...w]) : [];
  if (rest.length) {
    if (groups.length) groups[groups.length - 1].push(...rest);
    else groups.push(rest);
  }
  const ordered = leaderLast(groups, after, leaders);
  const before = new Map([...changes.before.values()].map((s) => [s.name, s]));
  const waveOf = new Map(ordered.waves.flatMap((names, i) => names.map((n): [string, number] => [n, i])));
  const waves = ordered.waves.map((names, i): RolloutWave => {
    const snaps = names.map((n) => after.get(n)).filter((s): s is ProcessSnapshot => s !== undefined);
    // The brokers running while wave i waits: as after the change if this wave or an earlier one restarted or started
    // them, else as before it (one a later wave starts is not running yet; one the change removes runs until the end).
    const running = [...new Set([...before.keys(), ...after.keys()])]
      .map((n) => ((waveOf.get(n) ?? Infinity) <= i ? after.get(n) : before.get(n)))
      .filter((s): s is ProcessSnapshot => s !== undefined && s.labels["rocketmq.role"] === "broker")
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    const nameServers = snaps.flatMap(nameServerAddr);
    return {
      processes: [...names].sort(),
      targets: [...new Set(snaps.filter((s) => s.vm === undefined).map((s) => s.address))].sort(),
      vms: [...new Set(snaps.map((s) => s.vm).filter((v): v is string => v !== undefined))].sort(),
      waitFor: snaps.flatMap(expectedBroker),
      nameServers,
      listedBy: nameServers.map((nameServer) => ({
        nameServer,
        brokers: running.filter((b) => namesrvList(b).includes(nameServer)).flatMap(expectedBroker),
      })),
      handovers: snaps.flatMap(handoverOf),
    };
  });
  const accessControl =
    waves.some((w) => w.waitFor.length) &&
    [...changes.after.values()].some((p) => {
      const props = serverProperties(p.files);
      return p.labels["rocketmq.role"] === "broker" && (isOn(props.aclEnable) || isOn(props.authenticationEnabled));
    });
  return {
    stack,
    order: ordered.order,
    nameServers: nameServersOf(changes.after),
    waves,
    costs: impact.costs,
    accessControl,
  };
}

function isOn(v: string | undefined): boolean {
  return v?.trim() === "true";
}

/** A broker whose role is elected: a DLedger peer or a controller-mode replica. */
function isElected(props: Readonly<Record<string, string>>): boolean {
  return isOn(props.enableDLegerCommitLog) || isOn(props.enableControllerMode);
}

/** A broker as the name servers must list it: brokerName, brokerId (a pair's; elected roles: any), brokerIP1:listenPort. */
function expectedBroker(s: ProcessSnapshot): ExpectedBroker[] {
  if (s.labels["rocketmq.role"] !== "broker") return [];
  const props = serverProperties(s.files);
  if (props.brokerName === undefined) return [];
  const elected = isElected(props);
  const host = (props.brokerIP1 ?? s.labels["rocketmq.host"] ?? "").trim();
  return [
    {
      brokerName: props.brokerName.trim(),
      ...(elected || props.brokerId === undefined ? {} : { brokerId: props.brokerId.trim() }),
      addr: `${host}:${(props.listenPort ?? "10911").trim()}`,
    },
  ];
}

/** A DLedger member's group, peers and id, for its handover. */
function handoverOf(s: ProcessSnapshot): Handover[] {
  if (s.labels["rocketmq.role"] !== "broker") return [];
  const props = serverProperties(s.files);
  if (!isOn(props.enableDLegerCommitLog)) return [];
  const [group, peers, selfId] = [props.dLegerGroup, props.dLegerPeers, props.dLegerSelfId].map((v) => v?.trim());
  return group && peers && selfId ? [{ process: s.name, group, peers, selfId }] : [];
}

/** A name server's `host:listenPort`. */
function nameServerAddr(s: ProcessSnapshot): string[] {
  if (s.labels["rocketmq.role"] !== "namesrv") return [];
  const port = serverProperties(s.files).listenPort;
  const host = s.labels["rocketmq.host"];
  return host ? [`${host}:${(port ?? "9876").trim()}`] : [];
}

/** A process's namesrvAddr as a list (empty for one without it). */
function namesrvList(s: ProcessSnapshot): string[] {
  return (serverProperties(s.files).namesrvAddr ?? "")
    .split(";")
    .map((x) => x.trim())
    .filter(Boolean);
}

function nameServersOf(after: ReadonlyMap<string, ProcessSnapshot>): string[] {
  for (const s of [...after.values()].sort((a, b) => (a.key < b.key ? -1 : 1))) {
    const list = namesrvList(s);
    if (list.length) return list;
  }
  return [];
}

/** `broker-a:0@10.0.0.1:10911` (`broker-c@...` for an elected role), as `rocketmq-cdktf wait --broker` takes it. */
export function brokerArg(b: ExpectedBroker): string {
  return `${b.brokerName}${b.brokerId !== undefined ? `:${b.brokerId}` : ""}@${b.addr}`;
}

/** The inverse of brokerArg; undefined when `arg` is not of that form. */
export function parseBrokerArg(arg: string): ExpectedBroker | undefined {
  const m = /^([^:@\s]+)(?::(-?\d+))?@(\S+:\d+)$/.exec(arg);
  return m ? { brokerName: m[1], ...(m[2] !== undefined ? { brokerId: m[2] } : {}), addr: m[3] } : undefined;
}

/** A shell word: single-quoted unless it is plain. */
function sh(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * A POSIX shell script for a pipeline: per stack, each wave's DLedger members hand their group's leadership over if
 * they lead (`$HANDOVER`; when that fails the group elects, as without it), the wave's `tofu apply -target=...`
 * (`$TF`, default tofu) in the stack's folder under `outdir`, then `rocketmq-cdktf wait` for the wave's brokers
 * (bounded by `timeoutSeconds`), and a last apply of everything. `$WAIT` and `$HANDOVER` may carry `--ca <file>` for a
 * cluster that enforces TLS. It stops at the first failure; a stack with costs stops before applying anything.
 */
export function rolloutScript(rollouts: readonly StackRollout[], outdir: string, timeoutSeconds = 180): string {
  const out = [
    "#!/bin/sh",
    "# Generated by rocketmq-cdktf rollout: apply the change in waves that keep the cluster serving.",
    "set -eu",
    'TF="${TF:-tofu}"',
    'WAIT="${WAIT:-npx rocketmq-cdktf wait}"',
    'HANDOVER="${HANDOVER:-npx rocketmq-cdktf handover}"',
    "",
  ];
  for (const r of rollouts) {
    if (r.waves.length === 0) continue;
    const dir = `${outdir.replace(/\/+$/, "")}/stacks/${r.stack}`;
    out.push(`# stack ${r.stack}`);
    if (r.costs.length) {
      out.push(
        ...r.costs.map((c) => `# cost: ${c.replace(/\n/g, " ")}`),
        `echo ${sh(`rocketmq-cdktf rollout: stack ${r.stack} has costs no order of restarts avoids (see the comments above): not applied`)} >&2`,
        "exit 1",
        "",
      );
      continue;
    }
    out.push(...r.order.map((o) => `# order: ${o.replace(/\n/g, " ")}`));
    if (r.accessControl)
      out.push(
        "# the brokers check access control: the waits sign with an account of the cluster, from the environment",
        ': "${ROCKETMQ_ACCESS_KEY:?export ROCKETMQ_ACCESS_KEY and ROCKETMQ_SECRET_KEY (an account of the cluster) for the waits}" "${ROCKETMQ_SECRET_KEY:?export ROCKETMQ_SECRET_KEY too}"',
      );
    r.waves.forEach((w, i) => {
      out.push(
        `# wave ${i + 1}: ${w.processes.join(", ")}`,
        `echo ${sh(`rocketmq-cdktf rollout: ${r.stack}: wave ${i + 1} of ${r.waves.length}: ${w.processes.join(", ")}`)} "($(date -u +%H:%M:%S))" >&2`,
      );
      for (const h of w.handovers)
        out.push(
          `$HANDOVER --group ${sh(h.group)} --peers ${sh(h.peers)} --leave ${sh(h.selfId)} --timeout 30 || echo ${sh(`rocketmq-cdktf rollout: ${h.process} may lead ${h.group}: the group elects when it stops`)} >&2`,
        );
      if (w.targets.length)
        out.push(
          `(cd ${sh(dir)} && "$TF" apply -input=false -auto-approve ${w.targets.map((t) => sh(`-target=${t}`)).join(" ")})`,
        );
      for (const vm of w.vms)
        out.push(
          `echo ${sh(`replace the VM that takes output ${vm} now (its user-data changed), then press Enter`)} >&2`,
          "read _",
        );
      for (const l of w.listedBy)
        out.push(
          `$WAIT --namesrv ${sh(l.nameServer)} --timeout ${timeoutSeconds}${l.brokers.length ? ` --registered ${l.brokers.map((b) => `--broker ${sh(brokerArg(b))}`).join(" ")}` : ""}`,
        );
      if (w.waitFor.length && r.nameServers.length)
        out.push(
          `$WAIT --namesrv ${sh(r.nameServers.join(";"))} --timeout ${timeoutSeconds} ${w.waitFor.map((b) => `--broker ${sh(brokerArg(b))}`).join(" ")}`,
        );
    });
    out.push(`(cd ${sh(dir)} && "$TF" apply -input=false -auto-approve)`, "");
  }
  return out.join("\n") + "\n";
}

/** The rollout as Markdown, for a person. */
export function renderRollout(rollouts: readonly StackRollout[]): string {
  const out = ["# RocketMQ rollout", ""];
  for (const r of rollouts) {
    out.push(`## Stack \`${r.stack}\``, "");
    if (r.waves.length === 0) {
      out.push("Nothing to roll: no RocketMQ process restarts or starts.", "");
      continue;
    }
    if (r.costs.length)
      out.push("**Not rolled: what it costs, whatever the order**", "", ...r.costs.map((c) => `- ${c}`), "");
    if (r.order.length) out.push(...r.order.map((o) => `- ${o}`), "");
    if (r.waves.some((w) => w.targets.some(isPodAddress)))
      out.push(
        "Kubernetes: a pod is replaced after its apply returns (the provider does not wait for a StatefulSet), so run `kubectl rollout status statefulset/<process>` before each wave's wait; a broker that advertises its node (`KubernetesExternalAccess.HOST_PORT` or `NODE_PORT`) registers its node's address, not the Service name below. `--script` does not drive these stacks yet.",
        "",
      );
    if (r.accessControl)
      out.push(
        "The brokers check access control: run the waits with an account of the cluster in ROCKETMQ_ACCESS_KEY and ROCKETMQ_SECRET_KEY.",
        "",
      );
    r.waves.forEach((w, i) => {
      const how = [
        ...w.handovers.map((h) => `if \`${h.process}\` leads ${h.group}, hand it over (\`rocketmq-cdktf handover\`)`),
        ...(w.targets.length ? [`apply ${w.targets.map((t) => `\`-target=${t}\``).join(" ")}`] : []),
        ...w.vms.map((v) => `replace the VM that takes output \`${v}\``),
      ].join(", ");
      const answer = w.listedBy
        .map((l) =>
          l.brokers.length
            ? `; then wait until ${l.nameServer} lists ${l.brokers.map((b) => `\`${brokerArg(b)}\``).join(", ")} (each broker registers every 30 s)`
            : `; then wait until ${l.nameServer} answers`,
        )
        .join("");
      const wait = w.waitFor.length
        ? `; then wait until ${w.waitFor.map((b) => `\`${brokerArg(b)}\``).join(", ")} ${w.waitFor.length === 1 ? "is" : "are"} registered with ${r.nameServers.join(", ")} and ${w.waitFor.length === 1 ? "its set is" : "their sets are"} in sync (every replica holds what its master held)`
        : "";
      out.push(`${i + 1}. ${w.processes.map((p) => `\`${p}\``).join(", ")}: ${how}${answer}${wait}`);
    });
    out.push(`${r.waves.length + 1}. apply everything (what the waves did not target: volumes, outputs)`, "");
  }
  return out.join("\n");
}
