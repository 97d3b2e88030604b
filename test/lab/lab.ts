// Owns the lab as a whole: starts the private Dovecot + Postfix pair on loopback high ports and hands tests a `Lab`.
//
// A lab is one state directory (a fresh temp dir unless given) holding the certificate, both servers' configs,
// sockets, queues, logs and the users' maildirs. Nothing under /etc, /run or /var/lib is touched, the servers bind
// only 127.0.0.1, and stop() leaves no process behind. Folder names use '/' as the hierarchy separator both in this
// API and on the IMAP wire (maildir LAYOUT=fs, see dovecot.ts).
import { chmod, chown, mkdir, mkdtemp, readdir, rm, stat, statfs } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import os from 'node:os';
import path from 'node:path';
import type { LabCertificate } from './certificate';
import { makeCertificate } from './certificate';
import type { DovecotPaths } from './dovecot';
import { dovecotPaths, doveadm, startDovecot, stopDovecot, userHome, writeDovecotConfig, writePasswdFile } from './dovecot';
import { folderDirectory, folderLevels, isInbox, MAILDIR_NAME } from './maildir';
import { ensureSystemPackages } from './packages';
import type { GreetingProbe, LabPorts } from './ports';
import { findFreePorts, waitForGreeting } from './ports';
import { postfixPaths, queuedMessages, startPostfix, stopPostfix, writePostfixConfig } from './postfix';
import type { Daemon } from './processes';
import { findProcesses, logTail, REAPER_FILE, run, terminate, waitFor } from './processes';
import type { LabUser, SystemAccount } from './users';
import { DEFAULT_USERS, ensureMailSystemUser, lookupSystemAccount, validateUsers } from './users';

export type { LabPorts } from './ports';
export type { LabUser } from './users';

export interface Lab {
  host: '127.0.0.1';
  /** Name on the certificate (SAN DNS:localhost, IP:127.0.0.1). */
  servername: 'localhost';
  /** The self-signed certificate (CA:TRUE) that clients trust directly, as PEM and as a file. */
  caPem: string;
  caFile: string;
  /** imap = plaintext+STARTTLS, imaps = implicit TLS, pop3 = plaintext+STLS, pop3s, submission = STARTTLS required then AUTH, smtps = implicit TLS + AUTH, smtp = plain port. */
  ports: LabPorts;
  /** alice, bob, carol and 'sink' (the catch-all for outside addresses) unless others were given. */
  users: LabUser[];
  stateDir: string;
  /** Maildir directory for a folder of a user (created if missing, subscribed), with cur/new/tmp. folderPath uses '/' as the hierarchy separator and may be non-ASCII. 'INBOX' is the inbox. */
  folderDir(user: string, folderPath: string): Promise<string>;
  /** doveadm force-resync so files written directly are seen, and fixes ownership. */
  resync(user: string): Promise<void>;
  /** Remove every message and folder of a user (fresh mailbox for a test). */
  resetUser(user: string): Promise<void>;
  /** Changes a user's password on the server, as a provider's web page would; sessions already logged in stay open. */
  setPassword(user: string, password: string): Promise<void>;
  /** Messages Postfix still holds, not yet delivered or bounced (0: everything it accepted has reached a mailbox). */
  queuedMail(): Promise<number>;
  /** Stops both servers, leaves no process behind, removes stateDir unless keepState. */
  stop(): Promise<void>;
}

export interface StartLabOptions {
  stateDir?: string;
  keepState?: boolean;
  users?: LabUser[];
  ports?: Partial<LabPorts>;
}

/** The Debian packages a lab runs on. */
export const LAB_PACKAGES = ['dovecot-core', 'dovecot-imapd', 'dovecot-pop3d', 'dovecot-lmtpd', 'postfix', 'openssl'];

const GREETING_TIMEOUT_MS = 20_000;
/** Attempts with fresh ports when a daemon finds one of its ports taken. */
const PORT_ATTEMPTS = 3;
const KICK_TIMEOUT_MS = 10_000;
const PORT_NAMES = ['imap', 'imaps', 'pop3', 'pop3s', 'submission', 'smtps', 'smtp'] as const;

/**
 * Dovecot's instance name, derived from the state directory so it is unique per lab and can be recomputed. Dovecot
 * titles its workers `dovecot-<instance>/<service>`, which is how labProcesses() recognises them.
 */
function labInstanceName(stateDir: string): string {
  return `heron-lab-${createHash('sha256').update(path.resolve(stateDir)).digest('hex').slice(0, 10)}`;
}

/**
 * Every live process that belongs to the lab in `stateDir`: the reapers the servers run under and the Dovecot master
 * (their command lines name the state directory), Dovecot's workers (titled after the instance name), and Postfix's
 * master and workers (their environment names the state directory). Empty after a clean stop(); tests assert exactly that.
 */
export function labProcesses(stateDir: string): Promise<number[]> {
  const dir = path.resolve(stateDir);
  const dovecotTitle = `dovecot-${labInstanceName(dir)}/`;
  const daemon = /(^|\/)(dovecot|master|pickup|qmgr|smtpd|smtp|lmtp|cleanup|trivial-rewrite|tlsmgr|postlogd|bounce|anvil|proxymap|scache|showq|error|flush|verify|discard|doveadm)\b/;
  return findProcesses(({ commandLine, environment }) => {
    if (commandLine.startsWith(dovecotTitle)) return true;
    if (/^(\S*\/)?perl /.test(commandLine) && commandLine.includes(`${dir}/`) && commandLine.includes(`/${REAPER_FILE} `)) return true;
    const program = commandLine.split(' ')[0] ?? '';
    const named = commandLine.includes(`${dir}/`) || environment.includes(`${dir}/`);
    return named && (daemon.test(program) || commandLine.includes('/postfix-script '));
  });
}

async function choosePorts(requested: Partial<LabPorts> = {}): Promise<LabPorts> {
  const free = await findFreePorts(PORT_NAMES.length);
  const ports = {} as LabPorts;
  PORT_NAMES.forEach((name, index) => {
    ports[name] = requested[name] ?? (free[index] as number);
  });
  const distinct = new Set(Object.values(ports));
  if (distinct.size !== PORT_NAMES.length) throw new Error(`lab ports must be distinct: ${JSON.stringify(ports)}`);
  return ports;
}

/** Free space /dev/shm must have before a lab uses it: room for a 100,000-message corpus and its indexes. */
const SHM_MINIMUM_FREE_BYTES = 2 * 1024 ** 3;

/**
 * Where fresh state directories go: $HERON_LAB_ROOT if set, else /dev/shm when it is a roomy tmpfs, else the OS temp
 * dir. Memory matters: on this kind of VM creating a file on disk costs ~0.3 ms against ~0.01 ms on tmpfs, so a
 * 100,000-message load takes about a second of file creation instead of 30 s, and deliveries and fetches speed up
 * too. Docker's default 64 MB /dev/shm fails the size check and falls back to disk.
 */
async function labRoot(): Promise<string> {
  const configured = process.env.HERON_LAB_ROOT;
  if (configured) return path.resolve(configured);
  try {
    const shm = await statfs('/dev/shm');
    if (shm.type === TMPFS_MAGIC && shm.bavail * shm.bsize >= SHM_MINIMUM_FREE_BYTES) return '/dev/shm';
  } catch {
    // No /dev/shm (or no statfs): use the temp dir.
  }
  return os.tmpdir();
}

/** statfs f_type of tmpfs (linux/magic.h). */
const TMPFS_MAGIC = 0x01021994;

async function prepareStateDir(requested: string | undefined): Promise<string> {
  const dir = requested ? path.resolve(requested) : await mkdtemp(path.join(await labRoot(), 'heron-lab-'));
  // Dovecot's and Postfix's unprivileged processes (dovecot, dovenull, maillab, postfix) must be able to enter every
  // directory above the state dir; one under /root, say, would fail later and obscurely. Checked before creating it.
  for (let parent = path.dirname(dir); ; parent = path.dirname(parent)) {
    const mode = await stat(parent).then((info) => info.mode, () => undefined);
    if (mode !== undefined && (mode & 0o001) === 0) {
      throw new Error(`the lab state directory ${dir} is inside ${parent}, which other users cannot enter, but the mail servers' unprivileged processes must; choose a state directory elsewhere (for example under /tmp)`);
    }
    if (parent === path.dirname(parent)) break;
  }
  await mkdir(dir, { recursive: true });
  // mkdtemp makes 0700.
  await chmod(dir, 0o755);
  return dir;
}

/** Runs `stop` for whatever part of the lab already started, keeping the original error. */
async function cleanupAfterFailure(error: unknown, stop: () => Promise<void>): Promise<never> {
  try {
    await stop();
  } catch (stopError) {
    (error as Error).message += `\n(while cleaning up: ${(stopError as Error).message})`;
  }
  throw error;
}

function greetingProbes(ports: LabPorts, certificate: LabCertificate): Array<GreetingProbe & { owner: 'dovecot' | 'postfix' }> {
  const tls = { ca: certificate.pem, servername: 'localhost' };
  return [
    { owner: 'dovecot', port: ports.imap, expect: '* OK' },
    { owner: 'dovecot', port: ports.imaps, expect: '* OK', tls },
    { owner: 'dovecot', port: ports.pop3, expect: '+OK' },
    { owner: 'dovecot', port: ports.pop3s, expect: '+OK', tls },
    { owner: 'postfix', port: ports.smtp, expect: '220' },
    { owner: 'postfix', port: ports.submission, expect: '220' },
    { owner: 'postfix', port: ports.smtps, expect: '220', tls },
  ];
}

/** Recursively hands a user's home to maillab, so Dovecot can read and index files written here as root. */
async function chownTree(dir: string, account: SystemAccount): Promise<void> {
  await run('chown', ['-R', `${account.uid}:${account.gid}`, dir]);
}

class RunningLab implements Lab {
  readonly host = '127.0.0.1' as const;
  readonly servername = 'localhost' as const;
  private stopped = false;

  constructor(
    readonly caPem: string,
    readonly caFile: string,
    readonly ports: LabPorts,
    readonly users: LabUser[],
    readonly stateDir: string,
    private readonly dovecot: DovecotPaths,
    private readonly account: SystemAccount,
    private readonly keepState: boolean,
    private readonly stopServers: () => Promise<void>,
  ) {}

  private home(user: string): string {
    const known = this.users.find((candidate) => candidate.name === user || candidate.email === user);
    if (!known) throw new Error(`${JSON.stringify(user)} is not a lab user (known: ${this.users.map((u) => u.name).join(', ')})`);
    return userHome(this.dovecot, known.name);
  }

  private userName(user: string): string {
    return path.basename(this.home(user));
  }

  async folderDir(user: string, folderPath: string): Promise<string> {
    const home = this.home(user);
    const dir = folderDirectory(home, folderPath);
    const exists = await stat(path.join(dir, 'cur')).then(
      () => true,
      () => false,
    );
    if (!exists) {
      if (isInbox(folderPath)) {
        // INBOX is the maildir root; doveadm would only create it implicitly, so make cur/new/tmp directly.
        for (const sub of ['cur', 'new', 'tmp']) await mkdir(path.join(dir, sub), { recursive: true });
        await chownTree(path.join(home), this.account);
      } else {
        folderLevels(folderPath); // validates before anything is created
        // doveadm creates the directories as maillab and records the subscription in Dovecot's own format.
        await doveadm(this.dovecot, ['mailbox', 'create', '-s', '-u', this.userName(user), folderPath]).catch(async (error: Error) => {
          // Already exists as a folder without cur/ (e.g. a parent created implicitly): subscribe and fill in below.
          if (!/exists/i.test(error.message)) throw error;
          await doveadm(this.dovecot, ['mailbox', 'subscribe', '-u', this.userName(user), folderPath]);
        });
        for (const sub of ['cur', 'new', 'tmp']) await mkdir(path.join(dir, sub), { recursive: true });
        await chownTree(dir, this.account);
      }
    }
    return dir;
  }

  async resync(user: string): Promise<void> {
    const home = this.home(user);
    await mkdir(path.join(home, MAILDIR_NAME), { recursive: true });
    await chownTree(home, this.account);
    await doveadm(this.dovecot, ['force-resync', '-u', this.userName(user), '*']);
  }

  async resetUser(user: string): Promise<void> {
    const name = this.userName(user);
    const home = this.home(user);
    // End the user's sessions first, or an open IMAP session would rewrite index files into the fresh maildir.
    await doveadm(this.dovecot, ['kick', name]).catch(() => undefined); // exits non-zero when nobody was connected
    // `doveadm who -1` prints a header line, then one line per session: "user proto pid ip".
    const sessions = async (): Promise<number> =>
      (await doveadm(this.dovecot, ['who', '-1', name]).catch(() => ''))
        .split('\n')
        .slice(1)
        .filter((line) => line.split(/\s+/)[0] === name).length;
    await waitFor(
      async () => ((await sessions()) === 0 ? true : undefined),
      KICK_TIMEOUT_MS,
      async () => `sessions of ${name} were still open ${KICK_TIMEOUT_MS} ms after doveadm kick`,
    );
    const entries = await readdir(home).catch(() => [] as string[]);
    await Promise.all(entries.map((entry) => rm(path.join(home, entry), { recursive: true, force: true })));
    await mkdir(home, { recursive: true });
    await chown(home, this.account.uid, this.account.gid);
  }

  queuedMail(): Promise<number> {
    return queuedMessages(postfixPaths(this.stateDir));
  }

  async setPassword(user: string, password: string): Promise<void> {
    const name = this.userName(user);
    const users = this.users.map((known) => (known.name === name ? { ...known, password } : known));
    validateUsers(users);
    await writePasswdFile({ paths: this.dovecot, users, account: this.account });
    // Dovecot looks at the file at most once a second: from the next second on, every login sees the new password.
    // (Polling with test logins instead would fail a few, and Dovecot slows down failed logins.)
    await delay(1_050 - (Date.now() % 1_000));
    // lab.users stays the truth tests log in with.
    this.users.splice(0, this.users.length, ...users);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.stopServers();
    if (!this.keepState) await rm(this.stateDir, { recursive: true, force: true });
  }
}

/**
 * Starts a private Dovecot + Postfix and resolves once every port answers with its greeting.
 * Call `stop()` when done (the CLI and tests do it in `finally`/`after`).
 */
export async function startLab(options: StartLabOptions = {}): Promise<Lab> {
  await ensureSystemPackages(LAB_PACKAGES);
  const users = (options.users ?? DEFAULT_USERS).map((user) => ({ ...user }));
  validateUsers(users);
  const account = await ensureMailSystemUser();
  const mailOwner = await lookupSystemAccount('postfix');
  if (!mailOwner) throw new Error('the postfix system user is missing although the postfix package is installed');
  const stateDir = await prepareStateDir(options.stateDir);
  const dovecot = dovecotPaths(stateDir);
  const postfix = postfixPaths(stateDir);
  const instanceName = labInstanceName(stateDir);
  let certificate: LabCertificate;
  try {
    certificate = await makeCertificate(path.join(stateDir, 'tls'));
    for (const user of users) {
      const home = userHome(dovecot, user.name);
      await mkdir(home, { recursive: true });
      await chown(home, account.uid, account.gid);
    }
  } catch (error) {
    if (!options.keepState) await rm(stateDir, { recursive: true, force: true });
    throw error;
  }

  let dovecotDaemon: Daemon | undefined;
  let postfixDaemon: Daemon | undefined;
  const stopServers = async (): Promise<void> => {
    // Postfix first: it delivers into Dovecot, never the other way round.
    await stopPostfix(postfix, postfixDaemon);
    await stopDovecot(dovecot, dovecotDaemon);
    // A worker that outlived its master (say, a doveadm started by a test) must not outlive the lab.
    await terminate(await labProcesses(stateDir), 5_000);
  };

  for (let attempt = 1; ; attempt++) {
    const ports = await choosePorts(options.ports);
    try {
      await writeDovecotConfig({ paths: dovecot, instanceName, ports, certificate, users, account });
      await writePostfixConfig({ paths: postfix, labStateDir: stateDir, dovecot, ports, certificate, users, mailOwner });
      // Both at once: Postfix needs Dovecot's sockets only per connection, not to start. allSettled, not all, so that a
      // failure of one never leaves the other starting unnoticed (and unstopped).
      const started = await Promise.allSettled([
        startDovecot(dovecot).then((daemon) => (dovecotDaemon = daemon)),
        startPostfix(postfix).then((daemon) => (postfixDaemon = daemon)),
      ]);
      for (const outcome of started) if (outcome.status === 'rejected') throw outcome.reason;
      if (!dovecotDaemon || !postfixDaemon) throw new Error('unreachable: both servers reported started');
      const greetings = Promise.all(
        greetingProbes(ports, certificate).map((probe) =>
          waitForGreeting(probe, GREETING_TIMEOUT_MS, async (lastError) => {
            const logFile = probe.owner === 'dovecot' ? dovecot.logFile : postfix.logFile;
            return `${probe.owner} did not greet on 127.0.0.1:${probe.port} within ${GREETING_TIMEOUT_MS} ms (${lastError}). Log ${logFile}:\n${await logTail(logFile)}`;
          }),
        ),
      );
      // A master can still die after writing its pid (Postfix binds its listeners later): fail at once, not after the
      // timeout. Promise.race subscribes to every promise, so the later rejections (at stop) are not unhandled.
      const died = (daemon: Daemon, name: string, logFile: string): Promise<never> =>
        daemon.exited.then(async (exit) => {
          throw new Error(`${name} exited during start-up (${exit.signal ?? `exit code ${String(exit.code)}`}). Log ${logFile}:\n${await logTail(logFile)}`);
        });
      await Promise.race([greetings, died(dovecotDaemon, 'Dovecot', dovecot.logFile), died(postfixDaemon, 'Postfix', postfix.logFile)]);
      return new RunningLab(certificate.pem, certificate.certFile, ports, users, stateDir, dovecot, account, options.keepState ?? false, stopServers);
    } catch (error) {
      // Someone took one of our ports between the check and the bind: start again on other ports.
      const portTaken = /Address already in use/i.test((error as Error).message);
      if (portTaken && !options.ports && attempt < PORT_ATTEMPTS) {
        await stopServers();
        dovecotDaemon = undefined;
        postfixDaemon = undefined;
        continue;
      }
      return cleanupAfterFailure(error, async () => {
        await stopServers();
        if (!options.keepState) await rm(stateDir, { recursive: true, force: true });
      });
    }
  }
}
