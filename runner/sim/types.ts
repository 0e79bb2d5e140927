// The node API: what learners program against (DESIGN §3).
// Message passing only: no async, no real timers, no RPC. A node is a set of
// handlers and the simulator calls them one at a time.

export type NodeId = string;

export interface Node<M> {
  /** At boot and after every restart. */
  onStart?(): void;
  onMessage(from: NodeId, msg: M): void;
  onTimer?(name: string): void;
}

export interface Disk {
  /** A fresh copy of what was stored under `key`, or undefined. */
  get<T>(key: string): T | undefined;
  /** Stores a copy of `v` (JSON-compatible data only). */
  set(key: string, v: unknown): void;
  /**
   * Makes every earlier `set` durable. Only matters in exercises that declare
   * "lost un-synced writes": there a crash forgets writes made since the last
   * sync. Elsewhere every `set` is durable at once and `sync` does nothing.
   */
  sync(): void;
}

export interface Ctx<M, Out = unknown> {
  readonly id: NodeId;
  /** The other nodes of the cluster (clients not included). */
  readonly peers: readonly NodeId[];
  /** This node's clock in ms. It may be skewed and may drift. */
  now(): number;
  /** May be dropped, delayed, duplicated or reordered by the network. */
  send(to: NodeId, msg: M): void;
  /** A timer with the same name replaces the old one. */
  setTimer(name: string, afterMs: number): void;
  cancelTimer(name: string): void;
  /** Seeded, per node: use this instead of Math.random(). */
  random(): number;
  /** Survives crash and restart. */
  readonly disk: Disk;
  /** What the node tells the world (decided, applied, suspects…). Checkers read these. */
  output(event: Out): void;
  /** Shows up in traces. */
  log(text: string): void;
}

/** An exercise exports a factory like this (or a class with the same shape). */
export type NodeFactory<M = any, Out = any, N extends Node<M> = Node<M>> = (ctx: Ctx<M, Out>) => N;

/** JSON-compatible plain data: the only thing that may travel in a message. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [k: string]: Json };
