// Owns running the lab's external commands and finding, signalling and reaping the daemons they leave behind.
import { execFile, spawn } from 'node:child_process';
import { open, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Default limit for one helper command (openssl, doveadm, postfix ...): they finish in well under a second. */
const COMMAND_TIMEOUT_MS = 60_000;
/** How often a wait re-checks /proc; short, because daemons exit within tens of milliseconds. */
const POLL_INTERVAL_MS = 25;

export interface RunOptions {
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  input?: string;
}

/** Runs a command without a shell and resolves with its stdout; rejects with the command line, exit status and stderr. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const timeout = options.timeoutMs ?? COMMAND_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      { timeout, env: options.env ?? process.env, maxBuffer: 64 * 1024 * 1024, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        if (error) {
          const status = error.killed ? `killed after ${timeout} ms` : `exit code ${String(error.code)}`;
          reject(new Error(`${[command, ...args].join(' ')} failed (${status}): ${String(stderr).trim() || error.message}`));
          return;
        }
        resolve(String(stdout));
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

export interface DaemonExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A server process started in the foreground as a child of this process. */
export interface Daemon {
  pid: number;
  /** Settles when the process has exited and been reaped. */
  exited: Promise<DaemonExit>;
  /** The exit, once it has happened. */
  exit: DaemonExit | undefined;
}

/**
 * A tiny reaper the servers run under: it makes itself a child subreaper (prctl PR_SET_CHILD_SUBREAPER), runs the
 * server, reaps every descendant the server orphans, and exits only when none is left. Without it, workers that
 * outlive their master are adopted by this container's PID 1, which never reaps, and stay as zombies. Perl is used
 * because perl-base is Essential on Debian and can make the raw syscall; Node cannot call prctl.
 */
const REAPER_SCRIPT = `# Written by Heron test/lab/processes.ts: runs a mail server and reaps everything it leaves behind.
use strict; use warnings; use POSIX ();
my %prctl = (x86_64 => 157, aarch64 => 167, i386 => 172, i686 => 172, armv7l => 172, riscv64 => 167, s390x => 172, ppc64le => 171);
my $nr = eval { require 'syscall.ph'; &SYS_prctl } // $prctl{(POSIX::uname())[4]};
syscall($nr, 36, 1, 0, 0, 0) == 0 or warn "reaper: cannot become a subreaper: $!\n" if defined $nr;
my $child = fork() // die "reaper: fork: $!\n";
if ($child == 0) { exec { $ARGV[0] } @ARGV or die "reaper: exec $ARGV[0]: $!\n"; }
$SIG{$_} = sub { kill $_[0], $child } for qw(TERM INT HUP);
my $status = 0;
for (;;) {
  my $pid = waitpid(-1, 0);
  if ($pid == -1) { next if $!{EINTR}; last; }
  $status = $? if $pid == $child;
}
exit(($status & 127) ? 128 + ($status & 127) : $status >> 8);
`;

/** File name of the reaper script; labProcesses() recognises reapers by it. */
export const REAPER_FILE = 'reaper.pl';

/**
 * Starts a server in the foreground (dovecot -F, postfix start-fg) under the reaper, as a child of this process,
 * with its output appended to `outputFile`. `exited` settles only when the server and every process it started
 * are gone. The child is unref'd so a test run that forgets stop() still exits (the servers then outlive it).
 */
export async function spawnDaemon(command: string, args: readonly string[], outputFile: string): Promise<Daemon> {
  // The script goes into a file beside the output, so `ps` shows "perl …/reaper.pl dovecot -F -c …", not the source.
  const reaper = path.join(path.dirname(outputFile), REAPER_FILE);
  await writeFile(reaper, REAPER_SCRIPT);
  const output = await open(outputFile, 'a');
  try {
    const child = spawn('perl', [reaper, command, ...args], { stdio: ['ignore', output.fd, output.fd] });
    const daemon: Daemon = {
      pid: child.pid ?? -1,
      exit: undefined,
      exited: new Promise<DaemonExit>((resolve) => {
        child.once('error', () => resolve((daemon.exit = { code: -1, signal: null })));
        child.once('exit', (code, signalName) => resolve((daemon.exit = { code, signal: signalName })));
      }),
    };
    child.unref();
    return daemon;
  } finally {
    await output.close();
  }
}

/** The last `lines` lines of a log file, or a note that it does not exist; for error messages. */
export async function logTail(file: string, lines = 30): Promise<string> {
  try {
    const text = await readFile(file, 'utf8');
    return text.split('\n').slice(-lines - 1).join('\n').trimEnd() || '(log is empty)';
  } catch {
    return '(no log file was written)';
  }
}

/** Resolves after `ms`; used only between polls of a bounded wait. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `check` until it returns a value other than undefined, or throws `describe()`'s message after `timeoutMs`.
 * Every wait in the lab goes through here, so none can hang forever.
 */
export async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs: number, describe: () => Promise<string>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new Error(await describe());
    await delay(POLL_INTERVAL_MS);
  }
}

/** Reads a pid file written by a daemon (Dovecot's master.pid, Postfix's pid/master.pid); undefined when absent or garbled. */
export async function readPidFile(file: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await readFile(file, 'utf8')).trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

interface ProcessInfo {
  pid: number;
  ppid: number;
  state: string;
}

async function readProcessInfo(pid: number): Promise<ProcessInfo | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name sits in parentheses and may itself contain spaces or parentheses, so parse from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, state: fields[0] ?? '?', ppid: Number(fields[1]) };
  } catch {
    return undefined;
  }
}

/**
 * True while a process exists and is not a zombie. An exited process stays a zombie until its parent reaps it,
 * and kill(pid, 0) would still report it as present; orphans end at this container's PID 1, which never reaps.
 */
export async function isRunning(pid: number): Promise<boolean> {
  const info = await readProcessInfo(pid);
  return info !== undefined && info.state !== 'Z' && info.state !== 'X';
}

/** The pid and every live descendant of it (the daemon's worker processes), read from /proc. */
export async function processTree(rootPid: number): Promise<number[]> {
  const entries = await readdir('/proc');
  const children = new Map<number, number[]>();
  await Promise.all(
    entries
      .filter((entry) => /^\d+$/.test(entry))
      .map(async (entry) => {
        const info = await readProcessInfo(Number(entry));
        if (!info || info.state === 'Z') return;
        const siblings = children.get(info.ppid) ?? [];
        siblings.push(info.pid);
        children.set(info.ppid, siblings);
      }),
  );
  const tree: number[] = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    if (await isRunning(pid)) tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** This process and its ancestors: never candidates for a sweep, even though their command lines may name the lab. */
async function selfAndAncestors(): Promise<Set<number>> {
  const chain = new Set<number>();
  let pid = process.pid;
  while (pid > 1 && !chain.has(pid)) {
    chain.add(pid);
    const info = await readProcessInfo(pid);
    if (!info) break;
    pid = info.ppid;
  }
  return chain;
}

export interface ProcessIdentity {
  pid: number;
  /** Command line with NULs turned into spaces. */
  commandLine: string;
  /** Environment with NULs turned into newlines. */
  environment: string;
}

/** Live processes (not zombies, not this process or its ancestors) for which `matches` is true. */
export async function findProcesses(matches: (identity: ProcessIdentity) => boolean): Promise<number[]> {
  const excluded = await selfAndAncestors();
  const entries = (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry) && !excluded.has(Number(entry)));
  const found: number[] = [];
  await Promise.all(
    entries.map(async (entry) => {
      const pid = Number(entry);
      try {
        const commandLine = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replace(/\0/g, ' ').trim();
        const environment = (await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '')).replace(/\0/g, '\n');
        if (matches({ pid, commandLine, environment }) && (await isRunning(pid))) found.push(pid);
      } catch {
        // The process ended while we looked: not ours to worry about.
      }
    }),
  );
  return found.sort((a, b) => a - b);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

/**
 * Sends SIGTERM to `pids`, waits up to `timeoutMs` for all of them to end, then SIGKILLs whatever is left and
 * waits again. Resolves with the pids that needed SIGKILL (so a caller can mention an unclean stop).
 */
export async function terminate(pids: readonly number[], timeoutMs: number): Promise<number[]> {
  for (const pid of pids) signal(pid, 'SIGTERM');
  const survivors = async (): Promise<number[]> => {
    const alive: number[] = [];
    for (const pid of pids) if (await isRunning(pid)) alive.push(pid);
    return alive;
  };
  const deadline = Date.now() + timeoutMs;
  let alive = await survivors();
  while (alive.length > 0 && Date.now() < deadline) {
    await delay(POLL_INTERVAL_MS);
    alive = await survivors();
  }
  if (alive.length === 0) return [];
  for (const pid of alive) signal(pid, 'SIGKILL');
  await waitFor(
    async () => ((await survivors()).length === 0 ? true : undefined),
    5_000,
    async () => `processes ${(await survivors()).join(', ')} survived SIGKILL`,
  );
  return alive;
}

function describeExit(exit: DaemonExit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${String(exit.code)}`;
}

/**
 * Waits until the daemon's master has written a live pid to `pidFile` and resolves with that pid. Fails early,
 * with `explain()`'s text (the log tail), if the launcher exits first, and fails after `timeoutMs` otherwise.
 */
export async function waitForMasterPid(daemon: Daemon, pidFile: string, timeoutMs: number, explain: () => Promise<string>): Promise<number> {
  return waitFor(
    async () => {
      if (daemon.exit) throw new Error(`the server exited during start-up (${describeExit(daemon.exit)}). ${await explain()}`);
      const pid = await readPidFile(pidFile);
      // Only a pid below our reaper counts: a stale file from an earlier run may name an unrelated live process.
      return pid !== undefined && (await processTree(daemon.pid)).includes(pid) ? pid : undefined;
    },
    timeoutMs,
    async () => `no live pid appeared in ${pidFile} within ${timeoutMs} ms. ${await explain()}`,
  );
}

/**
 * Stops a server: SIGTERM to the master named by `pidFile` (the master then stops its workers), SIGKILL to the
 * master and any worker still alive after `timeoutMs`, and finally waits until the reaper has exited, which it does
 * only once every descendant is gone. Without a running `daemon` there is nothing of ours to stop.
 */
export async function stopDaemon(daemon: Daemon | undefined, pidFile: string, timeoutMs: number): Promise<void> {
  if (!daemon || daemon.exit) return;
  const fromFile = await readPidFile(pidFile);
  // Trust the pid file only for a process below our reaper; a stale one could name anything.
  const master = fromFile !== undefined && (await processTree(daemon.pid)).includes(fromFile) ? fromFile : undefined;
  if (master !== undefined) {
    // The master stops its own workers on SIGTERM; whichever of them is still alive afterwards is stopped here.
    const tree = await processTree(master);
    await terminate([master], timeoutMs);
    await terminate(tree, timeoutMs);
  }
  if (daemon.exit) return;
  // The reaper exits once the last descendant is gone; if it does not, something ignored SIGTERM: escalate.
  let timer: NodeJS.Timeout | undefined;
  const reaped = await Promise.race([
    daemon.exited.then(() => true),
    new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (reaped) return;
  await terminate(await processTree(daemon.pid), timeoutMs);
  await Promise.race([
    daemon.exited,
    new Promise((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`the reaper (pid ${daemon.pid}) did not exit within ${timeoutMs} ms after SIGKILL`)), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
}
