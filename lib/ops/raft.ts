/**
 * Handing a DLedger group's leadership over before its leader restarts, so that the group does not wait for an
 * election (three missed heartbeats and a vote: about 7 s with the defaults) with no master. DLedger's own RPC, on
 * the peers' raft port (`dLegerPeers`), in RocketMQ's remoting frame with a JSON body:
 * - METADATA (50000) to each peer: who it says leads;
 * - HEART_BEAT (51002) with term -1 in another member's name: the peer answers EXPIRED_TERM with its current term and
 *   changes nothing (a heartbeat of an older term is refused before anything else is looked at);
 * - LEADERSHIP_TRANSFER (51005) to the leader, with that term: the leader waits for the transferee to hold every entry
 *   it holds, and the transferee starts an election at once, which it wins.
 * What DLedger's own client (`LeadershipTransferCommand`) does, with the term found instead of typed in.
 */
import { AskOptions, call } from "./remoting";

const METADATA = 50000;
const HEART_BEAT = 51002;
const LEADERSHIP_TRANSFER = 51005;
/** DLedgerResponseCode.SUCCESS; EXPIRED_TERM is 403. */
const DLEDGER_SUCCESS = 200;
/** DLedger's words for the refusals of a transfer (DLedgerResponseCode). */
const REFUSALS: Record<number, string> = {
  404: "NOT_LEADER",
  407: "INCONSISTENT_TERM",
  417: "FALL_BEHIND_TOO_MUCH: the transferee does not hold enough of the leader's entries yet",
  418: "TAKE_LEADERSHIP_FAILED",
  506: "LEADER_TRANSFERRING: a transfer is already under way",
};

/** A member of a DLedger group, as `dLegerPeers` lists it: `n0-10.0.0.1:40911`. */
export interface RaftPeer {
  readonly id: string;
  readonly addr: string;
}

/** The peers of `dLegerPeers` (`n0-host:port;n1-host:port`); an item not of that form is an error. */
export function parsePeers(dLegerPeers: string): RaftPeer[] {
  return dLegerPeers
    .split(";")
    .map((x) => x.trim())
    .filter(Boolean)
    .map((item) => {
      const m = /^([^-\s]+)-(\S+:\d+)$/.exec(item);
      if (!m) throw new Error(`${item}: not a dLegerPeers item (write id-host:port, e.g. n0-10.0.0.1:40911)`);
      return { id: m[1], addr: m[2] };
    });
}

/** One DLedger request: the body of its answer, parsed. */
async function ask(
  peer: RaftPeer,
  code: number,
  request: Record<string, unknown>,
  timeoutMs: number,
  options: AskOptions,
): Promise<{ code?: number; term?: number; leaderId?: string | null }> {
  const { tls, ca } = options;
  const a = await call(
    peer.addr,
    code,
    timeoutMs,
    { ...(tls ? { tls } : {}), ...(ca ? { ca } : {}) },
    Buffer.from(JSON.stringify(request)),
  );
  if (a.code !== DLEDGER_SUCCESS) throw new Error(`${peer.id} (${peer.addr}): answered code ${a.code} ${a.remark}`);
  return JSON.parse(a.body.toString("utf8")) as { code?: number; term?: number; leaderId?: string | null };
}

/** What the group's members say: the leader of the highest term any of them knows, and who answered. */
export interface RaftState {
  readonly leader?: string;
  readonly term: number;
  readonly answered: readonly string[];
  readonly errors: readonly string[];
}

/** Asks every peer its leader (METADATA) and its term (a heartbeat of term -1, which it refuses with its term). */
export async function raftState(
  group: string,
  peers: readonly RaftPeer[],
  timeoutMs: number,
  options: AskOptions = {},
): Promise<RaftState> {
  let best: { term: number; leader?: string } = { term: -1 };
  const answered: string[] = [];
  const errors: string[] = [];
  for (const p of peers) {
    const other = peers.find((q) => q.id !== p.id);
    try {
      const meta = await ask(p, METADATA, { group, remoteId: p.id }, timeoutMs, options);
      const beat = await ask(
        p,
        HEART_BEAT,
        { group, remoteId: p.id, leaderId: other?.id ?? p.id, term: -1 },
        timeoutMs,
        options,
      );
      answered.push(p.id);
      const term = typeof beat.term === "number" ? beat.term : -1;
      if (term > best.term || (term === best.term && best.leader === undefined && meta.leaderId))
        best = { term, ...(meta.leaderId ? { leader: meta.leaderId } : {}) };
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  return { ...(best.leader !== undefined ? { leader: best.leader } : {}), term: best.term, answered, errors };
}

/**
 * Makes sure `leaving` does not lead the group: when it leads, its leadership goes to the first other member that
 * answers and that the leader lets take it (in `dLegerPeers` order), and this resolves once that member says it leads
 * in a newer term. Resolves with what was done;
 * rejects with why not (the group then elects when `leaving` stops, as without this).
 */
export async function handOver(
  group: string,
  peers: readonly RaftPeer[],
  leaving: string,
  timeoutMs: number,
  options: AskOptions & { intervalMs?: number } = {},
): Promise<string> {
  if (!peers.some((p) => p.id === leaving))
    throw new Error(`${leaving} is not one of the peers (${peers.map((p) => p.id).join(", ")})`);
  const start = Date.now();
  const each = () => Math.max(500, Math.min(5_000, timeoutMs - (Date.now() - start)));
  const state = await raftState(group, peers, each(), options);
  if (state.leader === undefined)
    throw new Error(`no member of ${group} names a leader${state.errors.length ? `: ${state.errors.join("; ")}` : ""}`);
  if (state.leader !== leaving) return `${group}: ${leaving} does not lead (${state.leader} does, term ${state.term})`;
  const leader = peers.find((p) => p.id === leaving)!;
  const candidates = peers.filter((p) => p.id !== leaving && state.answered.includes(p.id));
  if (!candidates.length)
    throw new Error(`${group}: no other member answers to take the leadership (${state.errors.join("; ")})`);
  // The first member that takes it; one that has not caught up yet is refused by the leader, and the next is asked.
  const refused: string[] = [];
  let to: RaftPeer | undefined;
  for (const c of candidates) {
    const r = await ask(
      leader,
      LEADERSHIP_TRANSFER,
      { group, remoteId: leader.id, leaderId: leader.id, transferId: leader.id, transfereeId: c.id, term: state.term },
      Math.max(1_000, timeoutMs - (Date.now() - start)),
      options,
    );
    if (r.code === DLEDGER_SUCCESS) {
      to = c;
      break;
    }
    refused.push(`to ${c.id}: DLedger code ${r.code} ${REFUSALS[r.code ?? 0] ?? ""}`.trim());
  }
  if (!to) throw new Error(`${group}: ${leaving} did not hand the leadership over (${refused.join("; ")})`);
  for (;;) {
    const now = await raftState(group, peers, each(), options);
    if (now.leader === to.id && now.term > state.term)
      return `${group}: ${leaving} handed the leadership over to ${to.id} (term ${state.term} -> ${now.term}) in ${((Date.now() - start) / 1000).toFixed(1)} s`;
    if (Date.now() - start >= timeoutMs)
      throw new Error(`${group}: ${to.id} did not take the leadership within ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((res) => setTimeout(res, options.intervalMs ?? 200));
  }
}
