/** What a bench child process reports about itself when it is done (one JSON line on stdout). */
export interface ChildFigures {
  /** user + system CPU of the whole process, ms */
  readonly cpuMs: number;
  /** peak resident set size of the process, KiB */
  readonly maxRssKb: number;
  /** wall time spent reading the input (baseline only), ms: subtracted from the baseline's wall and CPU */
  readonly inputMs?: number;
}

export const FIGURES_PREFIX = "bench-figures ";

export function printFigures(extra: { inputMs?: number }): void {
  const cpu = process.cpuUsage();
  const figures: ChildFigures = {
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssKb: process.resourceUsage().maxRSS,
    ...extra,
  };
  process.stdout.write(`${FIGURES_PREFIX}${JSON.stringify(figures)}\n`);
}
