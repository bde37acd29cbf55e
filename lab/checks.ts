// Check bookkeeping: every assertion of the lab is one named check, passed or failed, with its detail.
import { log, ms } from "./util";

export interface CheckResult {
  exp: string;
  name: string;
  ok: boolean;
  detail: string;
}
export interface ExpResult {
  name: string;
  ok: boolean;
  tookMs: number;
  error?: string;
  notes: string[];
}

export class Ctx {
  readonly checks: CheckResult[] = [];
  readonly experiments: ExpResult[] = [];
  readonly info: string[] = [];
  private cur?: ExpResult;

  check(name: string, ok: boolean, detail = ""): boolean {
    const exp = this.cur?.name ?? "-";
    this.checks.push({ exp, name, ok, detail });
    log(`${ok ? "PASS" : "FAIL"} ${name}${detail ? ` -- ${detail}` : ""}`);
    if (!ok && this.cur) this.cur.ok = false;
    return ok;
  }

  note(msg: string): void {
    this.cur?.notes.push(msg);
    log(`note: ${msg}`);
  }

  /**
   * Runs one experiment, synchronous or not; a throw (or a rejection) is a failed check (with the error text), never
   * a crash of the lab.
   */
  async experiment(name: string, fn: () => void | Promise<void>): Promise<void> {
    const r: ExpResult = { name, ok: true, tookMs: 0, notes: [] };
    this.experiments.push(r);
    this.cur = r;
    const t = Date.now();
    log(`=== ${name}`);
    try {
      await fn();
    } catch (e) {
      r.error = (e as Error).stack ?? String(e);
      this.check(`${name}: ran to the end`, false, (e as Error).message);
    }
    r.tookMs = Date.now() - t;
    log(`=== ${name}: ${r.ok ? "ok" : "FAILED"} in ${ms(r.tookMs)}`);
    this.cur = undefined;
  }
}
