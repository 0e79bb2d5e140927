// Progress of a long job (verify, report, export --html, soak, mutants, a slow
// cell): done/total, the item in hand and the time so far.
//
// On a terminal it is one line on stderr, redrawn in place, that appears once
// the job has taken about a second and disappears when it ends. Piped, there
// is nothing to redraw: it writes one plain line per finished item
// ("verify: 3/24 fd-phi 12.4 s"), or nothing at all, so stdout stays exactly
// the document a tool expects.

export interface ProgressState {
  label: string;
  done: number;
  /** null when the total is not known (a single slow cell). */
  total: number | null;
  item: string | null;
  elapsedMs: number;
}

export interface JobProgressOptions {
  stream?: NodeJS.WriteStream;
  /** Redraw in place (default: the stream is a terminal and TERM is not "dumb"). */
  live?: boolean;
  /** Piped: one line per finished item ("lines", default) or nothing ("none"). */
  plain?: "lines" | "none";
  /** The live line appears only after this long (default 1000 ms): quick jobs stay quiet. */
  delayMs?: number;
  now?: () => number;
}

function seconds(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** The live line: "verify ▕███░░░▏ 3/24 · fd-phi · 12.4 s", cut to `width`. */
export function progressLine(p: ProgressState, width: number): string {
  const parts = [p.label];
  if (p.total !== null && p.total > 0) {
    const w = 12;
    const filled = Math.round((Math.min(p.done, p.total) / p.total) * w);
    parts.push(`▕${"█".repeat(filled)}${"░".repeat(w - filled)}▏ ${p.done}/${p.total}`);
  }
  if (p.item) parts.push(p.item);
  parts.push(seconds(p.elapsedMs));
  const line = parts.join(" · ").replace(" · ▕", " ▕");
  return [...line].length <= width ? line : [...line].slice(0, Math.max(1, width - 1)).join("") + "…";
}

/** The piped line for one finished item: "verify: 3/24 fd-phi 12.4 s". */
export function plainProgressLine(p: ProgressState): string {
  return `${p.label}: ${p.total !== null ? `${p.done}/${p.total}` : p.done}${p.item ? ` ${p.item}` : ""} ${seconds(p.elapsedMs)}`;
}

export class JobProgress {
  private readonly stream: NodeJS.WriteStream;
  private readonly live: boolean;
  private readonly plain: "lines" | "none";
  private readonly delayMs: number;
  private readonly now: () => number;
  private readonly started: number;
  private done = 0;
  private item: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private shown = false;

  constructor(
    readonly label: string,
    private total: number | null,
    opts: JobProgressOptions = {},
  ) {
    this.stream = opts.stream ?? process.stderr;
    this.live = opts.live ?? (Boolean(this.stream.isTTY) && process.env["TERM"] !== "dumb");
    this.plain = opts.plain ?? "lines";
    this.delayMs = opts.delayMs ?? 1000;
    this.now = opts.now ?? (() => performance.now());
    this.started = this.now();
    if (this.live) {
      this.timer = setInterval(() => this.draw(), 200);
      this.timer.unref();
    }
  }

  state(): ProgressState {
    return { label: this.label, done: this.done, total: this.total, item: this.item, elapsedMs: Math.round(this.now() - this.started) };
  }

  /** The item now in hand. */
  start(item: string): void {
    this.item = item;
    this.draw();
  }

  /** One more item finished (`item`: which, when several run at once). */
  step(item?: string): void {
    this.done++;
    if (item !== undefined) this.item = item;
    if (!this.live && this.plain === "lines") this.stream.write(plainProgressLine(this.state()) + "\n");
    this.draw();
  }

  setTotal(total: number): void {
    this.total = total;
  }

  /** Writes a line of its own (on the progress stream), above the live line. */
  print(line: string): void {
    this.around(() => this.stream.write(line + "\n"));
  }

  /** Runs `write` (output on stdout, say) with the live line out of its way. */
  around<T>(write: () => T): T {
    this.clear();
    try {
      return write();
    } finally {
      this.draw();
    }
  }

  /** The job ended: the live line goes away. */
  finish(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.clear();
  }

  private clear(): void {
    if (this.live && this.shown) this.stream.write("\r\u001b[2K");
    this.shown = false;
  }

  private draw(): void {
    if (!this.live || this.timer === null) return;
    const s = this.state();
    if (s.elapsedMs < this.delayMs) return;
    this.stream.write("\r\u001b[2K" + progressLine(s, (this.stream.columns || 80) - 1));
    this.shown = true;
  }
}
