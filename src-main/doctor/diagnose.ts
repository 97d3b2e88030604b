// The connection doctor: checks one server step by step and says, for the first step that fails, what to change.

import { HeronError, type HeronErrorData } from '../../shared/errors';
import type { DoctorReport, DoctorStep, DoctorStepName, DoctorTarget, TlsInfo } from '../../shared/setup';
import { explain, failures, greetingProtocol, type AdviceContext } from './advice';
import { describeFeatures, describeTls, notable } from './describe';
import type { Dialogue, ServerFeatures } from './dialogue';
import { imapDialogue } from './dialogue-imap';
import { pop3Dialogue } from './dialogue-pop3';
import { smtpDialogue } from './dialogue-smtp';
import { LineChannel } from './line-channel';
import { connectAny, resolveHost, speaksTls } from './probe';
import { doctorTlsOptions, inspectTls } from './tls-inspect';
import { scrubSecrets, secretForms, Transcript } from './transcript';

/** Longest wait for any one thing: a DNS answer, a connection, a reply, a TLS handshake. */
export const DOCTOR_WAIT_MS = 15_000;

export interface DoctorOptions {
  /** The certificate the person trusted for this account: then only it is accepted (as the engine does). */
  pinnedFingerprint256?: string | null;
  /** A private CA (PEM) trusted besides the system roots: the CLI's --ca, and tests against the lab. */
  ca?: string | null;
  waitMs?: number;
}

const DIALOGUES: Record<DoctorTarget['protocol'], (ctx: AdviceContext) => Dialogue> = { imap: imapDialogue, pop3: pop3Dialogue, smtp: smtpDialogue };

/** Servers greet within milliseconds; this much silence is worth a look at whether the port expects TLS instead. */
const SILENCE_BEFORE_TLS_PROBE_MS = 2_000;
const TLS_PORT = Symbol('implicit TLS port');

/**
 * The most one step on the connection may take, in waits. Each line read is bounded by one wait, but a server that
 * sends a reply line by line without ever finishing it (slow-loris) would otherwise hold the step forever.
 */
const STEP_WAITS = 4;

/** Thrown after a failed step is recorded: the run ends there. */
class Stop extends Error {}

/** The target's shape; a wrong host or port is what the doctor diagnoses, but an unknown protocol is a caller's bug. */
function validateTarget(target: DoctorTarget): void {
  const problems: string[] = [];
  if (!Object.hasOwn(DIALOGUES, target.protocol)) problems.push('The protocol must be IMAP, POP3 or SMTP.');
  if (!['tls', 'starttls', 'none'].includes(target.security)) problems.push('The security must be SSL/TLS, STARTTLS or None.');
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535) problems.push('The port must be a whole number from 1 to 65535.');
  if (!target.host.trim()) problems.push('The host name is empty.');
  if (problems.length > 0) throw new HeronError('invalid-input', problems.join(' '), { problems });
}

export async function diagnose(target: DoctorTarget, password: string | null, options: DoctorOptions = {}): Promise<DoctorReport> {
  validateTarget(target);
  const credentials = target.username && password ? { username: target.username, password } : null;
  const transcript = new Transcript(credentials ? secretForms(credentials.username, credentials.password) : []);
  const run = new DoctorRun(target, transcript, options);
  await run.check(credentials);
  // Belt and braces: whatever a server echoed or an error quoted, no form of the password leaves in the report.
  return scrubSecrets(run.report(), transcript);
}

class DoctorRun {
  private readonly steps: DoctorStep[] = [];
  private readonly ctx: AdviceContext;
  private readonly dialogue: Dialogue;
  private readonly waitMs: number;
  private channel: LineChannel | null = null;
  private features: ServerFeatures | null = null;
  private tls: TlsInfo | null = null;
  private encrypted = false;
  private error: HeronErrorData | undefined;

  constructor(
    private readonly target: DoctorTarget,
    private readonly transcript: Transcript,
    private readonly options: DoctorOptions,
  ) {
    this.ctx = { protocol: target.protocol, host: target.host, port: target.port, security: target.security, ...(target.username ? { username: target.username } : {}) };
    this.dialogue = DIALOGUES[target.protocol](this.ctx);
    this.waitMs = options.waitMs ?? DOCTOR_WAIT_MS;
  }

  async check(credentials: { username: string; password: string } | null): Promise<void> {
    const { security, protocol } = this.target;
    try {
      const addresses = await this.step('resolve', () => resolveHost(this.ctx, this.waitMs), (found) =>
        found[0] === this.target.host ? `${this.target.host} is an IP address; nothing to look up.` : `${this.target.host} is ${found.join(', ')}.`,
      );
      const connected = await this.step('connect', () => connectAny(this.ctx, addresses, this.waitMs), ({ address }) => `Connected to ${address} port ${this.target.port}.`);
      const open = new LineChannel(connected.socket, this.transcript, this.waitMs);
      this.channel = open;
      if (security === 'tls') await this.step('tls', () => this.handshake(open), (info) => describeTls(info, Boolean(this.options.pinnedFingerprint256)));
      await this.step('greeting', () => this.greeting(open, connected.address), (line) => line);
      this.features = await this.step('capabilities', () => this.dialogue.features(open), (found) =>
        describeFeatures(protocol, found, security !== 'tls') + (security === 'none' && found.startTls ? '. Choose STARTTLS so your password and mail travel encrypted.' : ''),
      );
      if (security === 'starttls') {
        const offered = this.features;
        await this.step('starttls', () => this.startTls(open, offered), () => 'The server agreed to start TLS.');
        await this.step('tls', () => this.handshake(open), (info) => describeTls(info, Boolean(this.options.pinnedFingerprint256)));
        // What the server said before encryption may have been tampered with (RFC 3207 §4.2): ask again.
        this.features = await this.step('capabilities', () => this.dialogue.features(open), (found) => `After TLS: ${describeFeatures(protocol, found, false)}`);
      }
      if (credentials) {
        const before = this.features;
        const after = await this.step('login', () => this.dialogue.login(open, credentials.username, credentials.password, before), (found) =>
          `Logged in as ${credentials.username}${found && notable(protocol, found) ? `; the session ${notable(protocol, found)}` : ''}.` +
          (this.encrypted ? '' : ' The connection is not encrypted: the password travelled in plain text.'),
        );
        // Login methods stay as announced before login (servers stop listing them once logged in).
        if (after) this.features = { ...after, authMechanisms: before.authMechanisms };
      }
      await this.bounded(this.dialogue.quit(open)).catch(() => undefined);
    } catch (error) {
      if (!(error instanceof Stop)) throw error;
    } finally {
      this.channel?.close();
    }
  }

  report(): DoctorReport {
    const report: DoctorReport = {
      target: this.target,
      ok: this.error === undefined,
      steps: this.steps,
      capabilities: this.features?.capabilities ?? [],
      authMechanisms: this.features?.authMechanisms ?? [],
      tls: this.tls,
      encrypted: this.encrypted,
      transcript: this.transcript.toLines(),
    };
    if (this.error) report.error = this.error;
    return report;
  }

  private async step<T>(name: DoctorStepName, work: () => Promise<T>, summarize: (value: T) => string): Promise<T> {
    const started = Date.now();
    try {
      const value = await (this.channel ? this.bounded(work()) : work());
      this.steps.push({ name, ok: true, ms: Date.now() - started, summary: summarize(value) });
      return value;
    } catch (error) {
      const failure = explain(error, this.ctx);
      this.steps.push({ name, ok: false, ms: Date.now() - started, summary: failure.error.message, advice: failure.advice });
      this.error = failure.error.toData();
      throw new Stop();
    }
  }

  /** `work` on the open connection, or a timeout once it takes STEP_WAITS waits; the connection is closed then, which fails its read. */
  private bounded<T>(work: Promise<T>): Promise<T> {
    const limitMs = this.waitMs * STEP_WAITS;
    let timer: NodeJS.Timeout | undefined;
    const overrun = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        reject(new HeronError('timeout', `The server kept its reply going for ${limitMs / 1000} s without finishing it.`));
        this.channel?.close();
      }, limitMs);
    });
    return Promise.race([work, overrun]).finally(() => clearTimeout(timer));
  }

  /** The greeting, and when none comes, why: TLS bytes, a TLS port waiting for our hello, or a stuck server. */
  private async greeting(channel: LineChannel, address: string): Promise<string> {
    const probe = new AbortController();
    try {
      const greeting = this.dialogue.greeting(channel);
      // Abandoned when the probe wins; its rejection (the socket closing) is then nobody's business.
      greeting.catch(() => undefined);
      const first = await (this.target.security === 'tls' ? greeting : Promise.race([greeting, this.tlsWhileSilent(channel, address, probe.signal)]));
      if (first === TLS_PORT) throw failures.tlsPortSpokenPlain(this.ctx);
      return first;
    } catch (error) {
      if (!(error instanceof HeronError)) throw error;
      if (greetingProtocol(channel.unread) === 'tls') throw failures.wrongProtocol(this.ctx, channel.unread, 'tls');
      // A TLS port may also hang up on a client that says nothing.
      if (error.code === 'connection-lost' && !channel.unread && this.target.security !== 'tls' && (await speaksTls(address, this.target.port, this.target.host, this.waitMs))) {
        throw failures.tlsPortSpokenPlain(this.ctx);
      }
      throw error.code === 'timeout' ? failures.silentServer(this.ctx) : error;
    } finally {
      probe.abort();
    }
  }

  /**
   * A server that has said nothing for a moment may be an implicit-TLS port waiting for our hello: a second connection
   * tries a handshake, so the person hears so at once instead of after the whole wait. Settles only with that finding.
   */
  private tlsWhileSilent(channel: LineChannel, address: string, signal: AbortSignal): Promise<typeof TLS_PORT> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (channel.unread) return;
        void speaksTls(address, this.target.port, this.target.host, this.waitMs, signal).then((tls) => tls && resolve(TLS_PORT));
      }, Math.min(SILENCE_BEFORE_TLS_PROBE_MS, this.waitMs / 2));
      signal.addEventListener('abort', () => clearTimeout(timer));
    });
  }

  /** Fail-closed: without STARTTLS on offer, nothing more is said in plain text, least of all a password. */
  private async startTls(channel: LineChannel, features: ServerFeatures): Promise<void> {
    if (!features.startTls) throw failures.starttlsNotOffered(this.ctx);
    await this.dialogue.startTls(channel);
  }

  private async handshake(channel: LineChannel): Promise<TlsInfo> {
    const { host } = this.target;
    let secure;
    try {
      secure = await channel.startTls(doctorTlsOptions(host, this.options.ca ?? null));
    } catch (error) {
      const raw = channel.rawBeforeTls;
      const spoken = greetingProtocol(raw);
      if (spoken && spoken !== 'tls') {
        // The transcript shows the symptom: a plaintext greeting where a TLS handshake was expected.
        for (const line of raw.split(/\r?\n/).filter(Boolean)) this.transcript.server(line);
        throw failures.plaintextOnTlsHandshake(this.ctx, raw.split(/\r?\n/)[0] ?? raw);
      }
      if (error instanceof HeronError && error.code === 'timeout') throw failures.silentServer(this.ctx);
      throw error;
    }
    const verdict = inspectTls(secure, host, this.options.pinnedFingerprint256 ?? null);
    this.tls = verdict.info;
    if (verdict.certificate) throw failures.certificateUntrusted(this.ctx, verdict.certificate);
    this.encrypted = true;
    return verdict.info;
  }
}
