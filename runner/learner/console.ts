// Printing while grading. Nothing learner code prints is shown (the trace
// keeps ctx.log, and a flood of prints would cost more than the run), so it
// is counted and dropped. A scenario that prints more than PRINT_LIMIT
// characters is stopped with an error that says so: flooding the console is
// almost always a debugging print left in a hot handler.

export const PRINT_LIMIT = 4 * 1024 * 1024;

let printed = 0;

export class OutputFloodError extends Error {
  constructor() {
    super(`printed more than ${PRINT_LIMIT / (1024 * 1024)} MB to the console in one scenario. Output is not shown while grading: remove the print, or use ctx.log(text), which appears in the trace (\`faultline replay\` shows it).`);
    this.name = "OutputFloodError";
  }
}

/** Counts what is printed; throws once a scenario has printed too much. */
export function countPrinted(args: readonly unknown[]): void {
  for (const a of args) printed += typeof a === "string" ? a.length : 16;
  if (printed > PRINT_LIMIT) {
    printed = 0; // one error per flood; the scenario stops here anyway
    throw new OutputFloodError();
  }
}

/** A new scenario starts with a fresh allowance. */
export function resetPrinted(): void {
  printed = 0;
}

export const CONSOLE_METHODS = ["log", "info", "warn", "error", "debug", "trace", "dir", "table", "dirxml", "group", "groupCollapsed", "groupEnd", "assert", "count", "countReset", "time", "timeEnd", "timeLog"] as const;

/** The console a compartment gets: every method counts and drops. */
export function droppingConsole(): Record<string, (...args: unknown[]) => void> {
  const sink = (...args: unknown[]): void => countPrinted(args);
  return Object.fromEntries(CONSOLE_METHODS.map((k) => [k, sink]));
}
