// Owns `smtp-send-200`: 200 messages submitted to the lab's Postfix by Heron's pooled sender, by a bare nodemailer
// pool (the floor) and by msmtp (one process, one connection per message).

import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { normalizeFingerprint } from '../../src-main/engine/certificate';
import { buildMessage, envelopeOf } from '../../src-main/smtp/build-message';
import { createSmtpSender } from '../../src-main/smtp/transport';
import type { Address, OutgoingMessage, OutgoingSettings } from '../../shared/model';
import { Random } from '../../test/lab/corpus-random';
import { LANGUAGE_WEIGHTS, LANGUAGES } from '../../test/lab/corpus-text';
import { findExecutable } from '../mbsync';
import { msmtpConfig, runMsmtp } from '../msmtp';
import type { ConnectionRange } from '../smtp-sink';
import { sinkRuns } from '../smtp-sink';
import type { BenchTarget } from '../target';
import { DEFAULT_SEED } from '../target';
import type { BenchmarkDefinition, PeerEntry } from './types';

export const SMTP_SEND_NAME = 'smtp-send-200';
export const SEND_COUNT = 200;
/** DESIGN.md, Budgets: 200 messages within 1.1x a bare nodemailer pooled send, and faster than msmtp. */
export const SEND_FLOOR_BUDGET_RATIO = 1.1;
/**
 * nodemailer's default `maxMessages`: a pooled connection is closed and replaced after this many messages. Neither
 * Heron's transport nor the floor changes it, so both open ceil(200 / 100) = 2 connections per run.
 */
export const NODEMAILER_POOL_MAX_MESSAGES = 100;
/** Text per message, in UTF-8 bytes before transfer encoding: at least a size drawn from this range, in whole paragraphs. */
export const SEND_TEXT_BYTES = { min: 2_000, max: 6_000 };
/** The first message's Date; each next one a minute later. Fixed, so every run sends the same bytes. */
const FIRST_DATE = Date.UTC(2025, 5, 2, 9, 0, 0);

export interface SendMessagesInput {
  count: number;
  seed: number;
  from: Address;
  to: Address;
}

/** Wraps a paragraph at 72 columns for languages written with spaces, every 34 characters for the others (CJK). */
function wrap(paragraph: string, spaced: boolean): string[] {
  if (!spaced) return paragraph.match(/.{1,34}/gu) ?? [];
  const lines: string[] = [];
  let line = '';
  for (const word of paragraph.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > 72) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/**
 * The benchmark's messages, the same for the same input: plain text of SEND_TEXT_BYTES drawn from the lab corpus's
 * sentences (mostly English, some French, German, Russian, Japanese, Chinese, emoji and others, so some go out
 * quoted-printable or base64), a subject from the same language numbered `(n/count)`, one recipient, no attachments.
 */
export function sendMessages(input: SendMessagesInput): OutgoingMessage[] {
  const random = new Random(input.seed);
  const languages = LANGUAGES.map((language) => [language, LANGUAGE_WEIGHTS[language.code] ?? 1] as const);
  return Array.from({ length: input.count }, (_, index) => {
    const language = random.weighted(languages);
    const size = random.int(SEND_TEXT_BYTES.min, SEND_TEXT_BYTES.max);
    const paragraphs = [language.greeting(input.to.name)];
    let bytes = Buffer.byteLength(paragraphs[0] as string);
    while (bytes < size) {
      const sentences = Array.from({ length: random.int(2, 5) }, () => random.pick(language.sentences));
      const paragraph = wrap(sentences.join(language.spaced ? ' ' : ''), language.spaced).join('\n');
      paragraphs.push(paragraph);
      bytes += Buffer.byteLength(paragraph) + 2;
    }
    paragraphs.push(`${language.signOff}\n${input.from.name}`);
    const id = `bench-smtp-${input.seed}-${String(index + 1).padStart(3, '0')}`;
    return {
      id,
      accountId: 'bench',
      messageId: `<${id}@${input.from.address.split('@')[1] ?? 'invalid'}>`,
      from: input.from,
      to: [input.to],
      cc: [],
      bcc: [],
      subject: `${random.pick(language.subjects)} (${index + 1}/${input.count})`,
      text: paragraphs.join('\n\n'),
      html: null,
      inReplyTo: null,
      references: [],
      attachments: [],
      date: FIRST_DATE + index * 60_000,
      attempts: 1,
    };
  });
}

/** The server must have taken each message for exactly the one recipient, or the run did not do the job. */
function checkAccepted(side: string, index: number, accepted: ReadonlyArray<string | { address: string }>, recipient: string): void {
  const addresses = accepted.map((entry) => (typeof entry === 'string' ? entry : entry.address).toLowerCase());
  if (addresses.length !== 1 || addresses[0] !== recipient.toLowerCase()) {
    throw new Error(`${SMTP_SEND_NAME}: ${side}: message ${index + 1} was accepted for ${JSON.stringify(addresses)}, not for ${recipient}`);
  }
}

const NEEDS_LAB = 'skipped: needs the lab (its submission port and sink user); a given server is only read over IMAP';

export async function smtpSend(target: BenchTarget): Promise<BenchmarkDefinition> {
  const base = {
    name: SMTP_SEND_NAME,
    description:
      `${SEND_COUNT} messages (${SEND_TEXT_BYTES.min / 1000}–${SEND_TEXT_BYTES.max / 1000} KB of text each) submitted as ${target.user} to the lab's sink ` +
      "over the submission port (STARTTLS, AUTH). Heron: buildMessage + envelopeOf per message through one createSmtpSender (the account's pooled " +
      'transport), closed at the end. nodemailer-pool: a bare nodemailer pool (maxConnections 1) sending the same bytes, prebuilt. ' +
      'msmtp: one process and connection per message',
    ratioAgainst: 'nodemailer-pool' as const,
    budget: { kind: 'ratio' as const, max: SEND_FLOOR_BUDGET_RATIO },
    ratioRows: [
      {
        name: `${SMTP_SEND_NAME}-vs-msmtp`,
        description: `The same runs of ${SMTP_SEND_NAME}, Heron against msmtp (must be faster)`,
        against: 'msmtp' as const,
        budget: { kind: 'ratio' as const, max: 1 },
      },
    ],
  };
  const lab = target.mailLab;
  if (!lab) {
    return { ...base, heronNote: NEEDS_LAB, peers: [{ name: 'nodemailer-pool', unavailable: NEEDS_LAB }, { name: 'msmtp', unavailable: NEEDS_LAB }] };
  }

  const user = lab.users.find((candidate) => candidate.name === target.user);
  if (!user) throw new Error(`${SMTP_SEND_NAME}: the lab has no user ${target.user}`);
  const sink = await sinkRuns(lab);
  const from = { name: user.name.charAt(0).toUpperCase() + user.name.slice(1), address: user.email };
  const messages = sendMessages({ count: SEND_COUNT, seed: DEFAULT_SEED, from, to: { name: 'Mail Sink', address: sink.recipient } });
  // The peers send the bytes Heron builds, so building must be repeatable, or the runs would not send the same mail.
  const prebuilt = await Promise.all(messages.map(async (message) => ({ raw: await buildMessage(message, 'wire'), envelope: envelopeOf(message) })));
  for (const [index, message] of messages.entries()) {
    if (!(await buildMessage(message, 'wire')).equals(prebuilt[index]?.raw ?? Buffer.alloc(0))) throw new Error(`${SMTP_SEND_NAME}: buildMessage gave other bytes for the same message`);
  }

  const port = lab.ports.submission;
  const settings: OutgoingSettings = { host: target.host, port, security: 'starttls', username: target.user };
  // The way Heron trusts a self-signed server: the person confirmed this certificate's fingerprint, so it is pinned.
  const pinned = { fingerprint256: normalizeFingerprint(new X509Certificate(target.caPem).fingerprint256), pem: target.caPem };
  const pooled: ConnectionRange = { min: 1, max: Math.ceil(SEND_COUNT / NODEMAILER_POOL_MAX_MESSAGES) };
  const perMessage: ConnectionRange = { min: SEND_COUNT, max: SEND_COUNT };

  const heron = {
    prepare: sink.prepare,
    run: async (signal: AbortSignal) => {
      const sender = createSmtpSender(settings, target.password, pinned);
      // Closing the pool fails the send in progress, so a run over its time limit settles.
      const stop = (): void => sender.close();
      signal.addEventListener('abort', stop, { once: true });
      try {
        for (const [index, message] of messages.entries()) {
          const raw = await buildMessage(message, 'wire');
          const result = await sender.send(raw, envelopeOf(message));
          if (!result.ok) throw new Error(`${SMTP_SEND_NAME}: Heron could not send message ${index + 1}: ${result.error instanceof Error ? result.error.message : String(result.error)}`);
          checkAccepted('Heron', index, result.info.accepted, sink.recipient);
        }
      } finally {
        signal.removeEventListener('abort', stop);
        sender.close();
      }
    },
    verify: () => sink.verify('Heron', SEND_COUNT, pooled),
  };

  const floor: PeerEntry = {
    name: 'nodemailer-pool',
    runnable: {
      prepare: sink.prepare,
      run: async (signal) => {
        // nodemailer's defaults otherwise; the lab certificate is trusted as a CA, as the lab's own clients do.
        const transport = nodemailer.createTransport({
          pool: true,
          maxConnections: 1,
          host: target.host,
          port,
          secure: false,
          requireTLS: true,
          auth: { user: target.user, pass: target.password },
          tls: { ca: [target.caPem], servername: target.servername, rejectUnauthorized: true, minVersion: 'TLSv1.2' },
        });
        const stop = (): void => transport.close();
        signal.addEventListener('abort', stop, { once: true });
        try {
          for (const [index, { raw, envelope }] of prebuilt.entries()) {
            const info = await transport.sendMail({ envelope: { from: envelope.from, to: envelope.to }, raw });
            checkAccepted('nodemailer-pool', index, info.accepted, sink.recipient);
          }
        } finally {
          signal.removeEventListener('abort', stop);
          transport.close();
        }
      },
      verify: () => sink.verify('nodemailer-pool', SEND_COUNT, pooled),
    },
  };

  const executable = await findExecutable('msmtp');
  // Private directory (mkdtemp makes it 0700) for the config, which holds the password.
  const workDir = executable ? await mkdtemp(path.join(os.tmpdir(), 'heron-bench-msmtp-')) : null;
  let msmtp: PeerEntry = { name: 'msmtp', unavailable: 'skipped: msmtp is not installed (Debian package msmtp)' };
  if (executable && workDir) {
    const configFile = path.join(workDir, 'msmtprc');
    await writeFile(
      configFile,
      msmtpConfig({ host: target.host, port, security: 'starttls', servername: target.servername, trustFile: target.caFile, user: target.user, password: target.password, from: user.email }),
      { mode: 0o600 },
    );
    msmtp = {
      name: 'msmtp',
      runnable: {
        prepare: sink.prepare,
        // One after another, as a mailer hands msmtp one message at a time: msmtp has no pool to keep.
        run: async (signal) => {
          for (const { raw } of prebuilt) await runMsmtp(executable, configFile, sink.recipient, raw, signal);
        },
        verify: () => sink.verify('msmtp', SEND_COUNT, perMessage),
      },
    };
  }

  return {
    ...base,
    heron,
    peers: [floor, msmtp],
    ...(workDir ? { dispose: () => rm(workDir, { recursive: true, force: true }) } : {}),
  };
}
