// Owns what the bench measures against: its settings from the environment, and either a given loopback server or the project's own lab.

import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { loadCorpus } from '../test/lab/corpus';
import type { Lab } from '../test/lab/lab';
import { labProcesses, startLab } from '../test/lab/lab';
import { folderMessageCount } from './imapflow-peer';
import { DEFAULT_RUN_TIMEOUT_MS, parseRuns } from './measure';

/**
 * The lab's folder of generated mail. INBOX, because the design's sync budgets are about INBOX (the folder Heron syncs
 * first and watches with IDLE), and the header-sync row compares Heron and imapflow on the same folder. The lab user's
 * other folders stay empty, so Heron's account sync spends next to nothing on them.
 */
export const DEFAULT_LAB_FOLDER = 'INBOX';
export const DEFAULT_MESSAGES = 10_000;
/** Fixed, so every run of the bench (on any machine) measures the same bytes. */
export const DEFAULT_SEED = 20_250_601;
/** The lab user whose mailbox receives the generated folder. */
export const LAB_USER = 'alice';

export interface LabTargetSpec {
  kind: 'lab';
  folder: string;
  messages: number;
  seed: number;
}

export interface ServerTargetSpec {
  kind: 'server';
  host: string;
  port: number;
  /** The name the certificate must carry (TLS SNI and identity check; mbsync connects to this name). */
  servername: string;
  user: string;
  password: string;
  caFile: string;
  folder: string;
  /** HERON_BENCH_ALLOW_WRITES=1: the bench may change flags on this server (and puts them back); the lab always allows it. */
  allowWrites: boolean;
}

export type TargetSpec = LabTargetSpec | ServerTargetSpec;

export interface BenchConfig {
  target: TargetSpec;
  runs: number;
  timeoutMs: number;
}

/** An opened target: everything a benchmark needs to connect, and how big the folder is. */
export interface BenchTarget {
  host: string;
  port: number;
  servername: string;
  user: string;
  password: string;
  caPem: string;
  caFile: string;
  folder: string;
  messages: number;
  lab: boolean;
  /** Seconds it took to write the generated folder into the lab and resync it; null for a given server. */
  loadSeconds: number | null;
  /** Whether benchmarks may change the folder (flags, then put back): always in the lab, by HERON_BENCH_ALLOW_WRITES=1 elsewhere. */
  allowWrites: boolean;
  /** The running lab (its SMTP ports, users, Postfix queue) when the target is the lab; a given server is only read over IMAP. */
  mailLab?: Lab;
}

type Env = Readonly<Record<string, string | undefined>>;

const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
LOOPBACK.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

/** 127.0.0.0/8, ::1 or the name localhost: the only targets this workplace allows without an explicit override. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (/^localhost\.?$/i.test(bare)) return true;
  const family = net.isIP(bare);
  if (family === 4) return LOOPBACK.check(bare, 'ipv4');
  if (family === 6) return LOOPBACK.check(bare, 'ipv6');
  return false;
}

function positiveInteger(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number, got ${JSON.stringify(raw)}`);
  return value;
}

function parsePort(env: Env, name: string, fallback: number): number {
  const port = positiveInteger(env, name, fallback);
  if (port > 65_535) throw new Error(`${name} must be a TCP port (1-65535), got ${port}`);
  return port;
}

/**
 * Reads the bench's settings. Without HERON_BENCH_HOST the target is the project's own lab with a generated folder;
 * with it, a running server that must be on loopback unless HERON_BENCH_ALLOW_REMOTE=1 says otherwise.
 */
export function parseBenchConfig(env: Env): BenchConfig {
  const runs = parseRuns(env.HERON_BENCH_RUNS);
  const timeoutMs = positiveInteger(env, 'HERON_BENCH_RUN_TIMEOUT_S', DEFAULT_RUN_TIMEOUT_MS / 1000) * 1000;
  const host = env.HERON_BENCH_HOST?.trim();
  const folder = env.HERON_BENCH_FOLDER?.trim() || undefined;

  if (!host) {
    return {
      runs,
      timeoutMs,
      target: {
        kind: 'lab',
        folder: folder ?? DEFAULT_LAB_FOLDER,
        messages: positiveInteger(env, 'HERON_BENCH_MESSAGES', DEFAULT_MESSAGES),
        seed: positiveInteger(env, 'HERON_BENCH_SEED', DEFAULT_SEED),
      },
    };
  }

  if (!isLoopbackHost(host) && env.HERON_BENCH_ALLOW_REMOTE !== '1') {
    throw new Error(
      `HERON_BENCH_HOST=${host} is not a loopback address (127.0.0.0/8, ::1, localhost). The bench only targets servers on this ` +
        'machine unless HERON_BENCH_ALLOW_REMOTE=1 is set; set it only for a server you are allowed to load with thousands of requests.',
    );
  }
  const missing = ['HERON_BENCH_USER', 'HERON_BENCH_PASSWORD', 'HERON_BENCH_CA_FILE'].filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`HERON_BENCH_HOST is set, so ${missing.join(', ')} must be set too`);
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  return {
    runs,
    timeoutMs,
    target: {
      kind: 'server',
      host: bare,
      port: parsePort(env, 'HERON_BENCH_IMAPS_PORT', 993),
      // A loopback IP usually presents a certificate for "localhost"; mbsync (isync 1.4) checks DNS names only.
      servername: env.HERON_BENCH_SERVERNAME?.trim() || (net.isIP(bare) && isLoopbackHost(bare) ? 'localhost' : bare),
      user: env.HERON_BENCH_USER as string,
      password: env.HERON_BENCH_PASSWORD as string,
      caFile: env.HERON_BENCH_CA_FILE as string,
      // On someone's server there is no generated folder; INBOX always exists.
      folder: folder ?? 'INBOX',
      // Read-only unless asked: the resync benchmark flips \Seen on 1% of the folder (and flips it back).
      allowWrites: env.HERON_BENCH_ALLOW_WRITES === '1',
    },
  };
}

export interface OpenTargetOptions {
  /** Called as soon as something needs undoing (the lab started), so an interrupt can undo it even mid-load. */
  onCleanup: (cleanup: () => Promise<void>) => void;
  log?: (line: string) => void;
}

/** Connects to the given server, or starts the lab and loads the generated folder; checks the folder's size either way. */
export async function openTarget(spec: TargetSpec, options: OpenTargetOptions): Promise<BenchTarget> {
  const log = options.log ?? ((): void => undefined);
  if (spec.kind === 'server') {
    const caPem = await readFile(spec.caFile, 'utf8');
    const base = { ...spec, caPem, messages: 0, lab: false, loadSeconds: null };
    const messages = await folderMessageCount(base);
    if (messages === 0) throw new Error(`folder ${JSON.stringify(spec.folder)} on ${spec.host}:${spec.port} is empty; there is nothing to measure`);
    return { ...base, messages };
  }

  log('starting the lab (Dovecot + Postfix on loopback) ...');
  // Registered before awaiting, so an interrupt during start-up waits for the lab and then stops it.
  const starting = startLab();
  options.onCleanup(async () => {
    const lab = await starting.catch(() => undefined);
    if (!lab) return;
    await lab.stop();
    // stop() promises no process left behind; say so loudly if that ever stops being true.
    const left = await labProcesses(lab.stateDir);
    if (left.length > 0) throw new Error(`the lab left processes behind after stop(): ${left.join(', ')}`);
    log(`lab stopped (${lab.stateDir}), no lab process left`);
  });
  const lab: Lab = await starting;
  log(`lab up in ${lab.stateDir} (IMAPS on ${lab.host}:${lab.ports.imaps})`);
  const user = lab.users.find((candidate) => candidate.name === LAB_USER);
  if (!user) throw new Error(`the lab has no user ${LAB_USER}`);

  log(`loading ${spec.messages} generated messages (seed ${spec.seed}) into ${LAB_USER}'s folder ${spec.folder} ...`);
  const started = process.hrtime.bigint();
  const loaded = await loadCorpus(lab, user.name, { seed: spec.seed, count: spec.messages, folders: [spec.folder] });
  const loadSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (loaded.count !== spec.messages) throw new Error(`the corpus loader wrote ${loaded.count} messages, ${spec.messages} were asked for`);

  const target: BenchTarget = {
    host: lab.host,
    port: lab.ports.imaps,
    servername: lab.servername,
    user: user.name,
    password: user.password,
    caPem: lab.caPem,
    caFile: lab.caFile,
    folder: spec.folder,
    messages: spec.messages,
    lab: true,
    loadSeconds: Math.round(loadSeconds * 1000) / 1000,
    allowWrites: true,
    mailLab: lab,
  };
  // Dovecot must see every file the loader wrote, or every benchmark below would compare against a wrong count.
  const seen = await folderMessageCount(target);
  if (seen !== spec.messages) throw new Error(`Dovecot reports ${seen} messages in ${spec.folder} after loading ${spec.messages}`);
  log(`loaded in ${loadSeconds.toFixed(2)} s`);
  return target;
}
