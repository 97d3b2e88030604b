// The doctor's SMTP dialogue (RFC 5321, RFC 3207 STARTTLS, RFC 4954 AUTH): greeting, EHLO, STARTTLS, AUTH PLAIN/LOGIN, QUIT.

import net from 'node:net';
import { HeronError } from '../../shared/errors';
import { REDACTED } from './transcript';
import { failures, greetingProtocol, type AdviceContext } from './advice';
import { politely, type Dialogue, type ServerFeatures } from './dialogue';
import type { LineChannel } from './line-channel';

interface Reply {
  code: number;
  /** Each line's text without the code, e.g. ['mx.example.com', 'PIPELINING', 'AUTH PLAIN LOGIN']. */
  lines: string[];
}

/** One reply: `250-...` lines continue it, `250 ...` ends it. `first` is its first line when already read. */
async function reply(channel: LineChannel, first?: string): Promise<Reply> {
  const lines: string[] = [];
  for (let line = first ?? (await channel.readLine()); ; line = await channel.readLine()) {
    const match = /^(\d{3})([ -]|$)(.*)$/.exec(line);
    if (!match) throw new HeronError('protocol-error', `The SMTP server answered "${line.slice(0, 120)}".`);
    lines.push((match[3] ?? '').trim());
    if (match[2] !== '-') return { code: Number(match[1]), lines };
  }
}

async function command(channel: LineChannel, line: string, shown = line): Promise<Reply> {
  channel.send(line, shown);
  return reply(channel);
}

const said = (answer: Reply) => `${answer.code} ${answer.lines.join(' ')}`.trim();

export function smtpFeatures(keywords: string[]): ServerFeatures {
  const upper = keywords.map((keyword) => keyword.toUpperCase());
  return {
    capabilities: keywords,
    // `AUTH=PLAIN LOGIN` is the pre-standard form some servers still send next to `AUTH PLAIN LOGIN`.
    authMechanisms: [...new Set(upper.filter((k) => /^AUTH[ =]/.test(k)).flatMap((k) => k.slice(5).trim().split(/[\s=]+/)))].filter(Boolean),
    startTls: upper.includes('STARTTLS'),
    loginDisabled: false,
  };
}

/** The EHLO argument for a client without a public name: its address as a literal (RFC 5321 §4.1.4). */
function addressLiteral(address: string): string {
  const ip = address.replace(/^::ffff:(?=\d+\.)/, '');
  return net.isIPv6(ip) ? `[IPv6:${ip}]` : `[${ip}]`;
}

export function smtpDialogue(ctx: AdviceContext): Dialogue {
  return {
    async greeting(channel) {
      const first = await channel.readLine();
      if (!/^\d{3}([ -]|$)/.test(first)) throw failures.wrongProtocol(ctx, first, greetingProtocol(first));
      const answer = await reply(channel, first);
      if (answer.code === 220) return said(answer);
      throw failures.serverRefused(ctx, said(answer));
    },
    async features(channel) {
      const ehlo = await command(channel, `EHLO ${addressLiteral(channel.localAddress)}`);
      if (ehlo.code === 250) return smtpFeatures(ehlo.lines.slice(1));
      // A server without ESMTP announces nothing (STARTTLS and AUTH included); HELO keeps the session usable.
      const helo = await command(channel, `HELO ${addressLiteral(channel.localAddress)}`);
      if (helo.code !== 250) throw new HeronError('server-rejected', `The server rejected EHLO and HELO ("${said(helo)}").`, { serverResponse: said(helo), command: 'HELO' });
      return smtpFeatures([]);
    },
    async startTls(channel) {
      const answer = await command(channel, 'STARTTLS');
      if (answer.code !== 220) throw failures.starttlsRefused(ctx, said(answer));
    },
    async login(channel, username, password, features) {
      const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
      let answer: Reply;
      if (features.authMechanisms.includes('PLAIN')) {
        answer = await command(channel, `AUTH PLAIN ${b64(`\0${username}\0${password}`)}`, `AUTH PLAIN ${REDACTED}`);
      } else if (features.authMechanisms.includes('LOGIN')) {
        answer = await command(channel, 'AUTH LOGIN');
        if (answer.code === 334) answer = await command(channel, b64(username), REDACTED);
        if (answer.code === 334) answer = await command(channel, b64(password), REDACTED);
      } else {
        throw failures.noLoginMethod(ctx, features.authMechanisms);
      }
      if (answer.code === 235) return null;
      // 535: credentials rejected (RFC 4954); anything else (530, 534, 538, 454) is the server's policy or trouble.
      if (answer.code === 535) throw failures.authFailed(ctx, said(answer));
      throw new HeronError('server-rejected', `The server did not accept the login ("${said(answer)}").`, { serverResponse: said(answer), command: 'AUTH' });
    },
    async quit(channel) {
      await politely(() => command(channel, 'QUIT'));
    },
  };
}
