// Handing the terminal to another program (the learner's editor) and taking
// it back. Ink keeps the keyboard in raw mode and redraws only what changed;
// an editor needs the keyboard as it found it, may switch screens itself, and
// leaves the screen in its own state. So: raw mode off, the normal screen, run
// the program (synchronously: Ink draws nothing meanwhile), then our screen
// back, cleared, and Ink told to forget its last frame so that the next one
// is drawn whole.

import type { Instance } from "ink";

const ALT_ON = "\u001b[?1049h\u001b[H\u001b[2J";
const ALT_OFF = "\u001b[?25h\u001b[?1049l";

let ink: Instance | null = null;

/** runTui registers its Ink instance here; without one (component tests) handOver just runs `fn`. */
export function registerInk(instance: Instance | null): void {
  ink = instance;
}

export function handOverTerminal<T>(fn: () => T): T {
  if (!ink) return fn();
  const stdin = process.stdin;
  const raw = Boolean(stdin.isTTY && stdin.isRaw);
  if (raw) stdin.setRawMode(false);
  process.stdout.write(ALT_OFF);
  try {
    return fn();
  } finally {
    process.stdout.write(ALT_ON);
    if (raw) stdin.setRawMode(true);
    ink.clear();
  }
}
