// What account setup exchanges between the engine and the wizard: discovered settings with their log, the connection
// doctor's report, the outgoing check, and the sending domain's health.

import type { HeronErrorData } from './errors';
import type { IncomingSettings, OutgoingSettings, Protocol, Security } from './model';

export type DiscoverySource = 'srv' | 'autoconfig' | 'provider' | 'mx' | 'probe';

/** One thing discovery tried, shown in the wizard's log as it happened. */
export interface DiscoveryLogEntry {
  source: DiscoverySource;
  /** What was asked, e.g. `_imaps._tcp.example.com SRV` or `https://autoconfig.example.com/mail/config-v1.1.xml`. */
  what: string;
  outcome: 'found' | 'nothing' | 'failed' | 'skipped';
  /** In a person's words: what was found, or why nothing was. */
  detail: string;
  ms: number;
}

export interface DiscoveredServer<S> {
  settings: S;
  source: DiscoverySource;
  /** The server answered on this host and port during discovery (probed or checked), not only named by a record. */
  verified: boolean;
}

export interface DiscoveryResult {
  email: string;
  domain: string;
  /**
   * Best first: encrypted above plaintext, implicit TLS above STARTTLS (RFC 8314). Discovery never picks a plaintext
   * setting by itself: one may be listed (last, when nothing else answered) for the wizard to show with its warning.
   */
  incoming: DiscoveredServer<IncomingSettings>[];
  outgoing: DiscoveredServer<OutgoingSettings>[];
  log: DiscoveryLogEntry[];
}

export type DoctorStepName = 'resolve' | 'connect' | 'greeting' | 'capabilities' | 'starttls' | 'tls' | 'login';

export interface DoctorStep {
  name: DoctorStepName;
  ok: boolean;
  ms: number;
  /** What happened, e.g. "Connected to 192.0.2.7:993" or "TLS 1.3, TLS_AES_256_GCM_SHA384". */
  summary: string;
  /** For a failed step: what to do about it, in a person's words. */
  advice?: string;
}

export interface TlsInfo {
  version: string;
  cipher: string;
  /** The chain verified against the trusted roots (or the account's pinned certificate). */
  authorized: boolean;
  authorizationError?: string;
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  /** Upper-case hex pairs joined by ':'. */
  fingerprint256: string;
  /** The certificate names the host that was asked for. */
  hostMatches: boolean;
}

/** What the doctor checks: one server, with or without a login. */
export interface DoctorTarget {
  protocol: Protocol;
  host: string;
  port: number;
  security: Security;
  /** Without a username (or password) the login step is skipped. */
  username?: string;
}

export interface DoctorReport {
  target: DoctorTarget;
  ok: boolean;
  steps: DoctorStep[];
  /** As announced after the last step that read them (after STARTTLS or login when those happened). */
  capabilities: string[];
  authMechanisms: string[];
  tls: TlsInfo | null;
  /** Whether the password (if sent) and mail would travel encrypted on this connection. */
  encrypted: boolean;
  /** Every line both sides sent, prefixed `C: ` / `S: `, with credentials replaced by `<redacted>`. */
  transcript: string[];
  /** The first failure in the error vocabulary, when not ok. */
  error?: HeronErrorData;
}

export interface OutgoingReport {
  ok: true;
  encrypted: boolean;
  /** EHLO keywords after STARTTLS (or after connect with implicit TLS), e.g. SIZE, PIPELINING, AUTH PLAIN LOGIN. */
  capabilities: string[];
}

export type SpfVerdict = 'pass' | 'missing' | 'permerror' | 'invalid';

/** RFC 7208 §4.6.4: more DNS-querying terms than this and the whole record is a permerror. */
export const SPF_LOOKUP_LIMIT = 10;

export interface DomainHealth {
  domain: string;
  spf: {
    verdict: SpfVerdict;
    record: string | null;
    /** DNS lookups the record needs (include, a, mx, ptr, exists, redirect); more than 10 is a permerror (RFC 7208). */
    lookups: number;
    /** The `all` mechanism's qualifier: `-all` rejects, `~all` soft-fails, `?all`/`+all` say nothing useful. */
    all: '-' | '~' | '?' | '+' | null;
  };
  dmarc: {
    record: string | null;
    policy: 'none' | 'quarantine' | 'reject' | null;
    /** Where aggregate reports go (rua=), if anywhere. */
    reports: string[];
  };
  /** Only when a selector was given (typed, or taken from a received message's DKIM-Signature). */
  dkim: { selector: string; record: string | null; hasKey: boolean } | null;
  /** Advice in a person's words; never blocking. */
  advice: string[];
}
