// The doctor's IMAP dialogue (RFC 9051, RFC 3501): greeting, CAPABILITY, STARTTLS, AUTHENTICATE PLAIN or LOGIN, LOGOUT.

import { HeronError } from '../../shared/errors';
import { REDACTED } from './transcript';
import { failures, greetingProtocol, type AdviceContext } from './advice';
import { politely, type Dialogue, type ServerFeatures } from './dialogue';
import type { LineChannel } from './line-channel';

interface Tagged {
  untagged: string[];
  status: 'OK' | 'NO' | 'BAD';
  text: string;
}

export function imapFeatures(words: string[]): ServerFeatures {
  const upper = words.map((word) => word.toUpperCase());
  return {
    capabilities: words,
    authMechanisms: upper.filter((word) => word.startsWith('AUTH=')).map((word) => word.slice(5)),
    startTls: upper.includes('STARTTLS'),
    loginDisabled: upper.includes('LOGINDISABLED'),
  };
}

function capabilityWords(untagged: string[]): string[] {
  return untagged.filter((line) => /^\* CAPABILITY /i.test(line)).flatMap((line) => line.slice('* CAPABILITY '.length).trim().split(/\s+/));
}

/** IMAP quoted string (RFC 9051 §4.3): backslash and double quote escaped. */
function quoted(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function status(taggedLine: string): Omit<Tagged, 'untagged'> {
  const match = /^\S+ (OK|NO|BAD)\b ?(.*)$/i.exec(taggedLine);
  if (!match) throw new HeronError('protocol-error', `The server answered "${taggedLine.slice(0, 120)}".`);
  return { status: (match[1] as string).toUpperCase() as Tagged['status'], text: match[2] ?? '' };
}

export function imapDialogue(ctx: AdviceContext): Dialogue {
  let counter = 0;

  async function readTagged(channel: LineChannel, tag: string): Promise<Tagged> {
    const untagged: string[] = [];
    for (let line = await channel.readLine(); ; line = await channel.readLine()) {
      if (line.startsWith(`${tag} `)) return { untagged, ...status(line) };
      untagged.push(line);
    }
  }

  async function command(channel: LineChannel, line: string, shown = line): Promise<Tagged> {
    const tag = `h${++counter}`;
    channel.send(`${tag} ${line}`, `${tag} ${shown}`);
    return readTagged(channel, tag);
  }

  async function capability(channel: LineChannel): Promise<ServerFeatures> {
    const reply = await command(channel, 'CAPABILITY');
    if (reply.status !== 'OK') throw new HeronError('protocol-error', `The server did not list its capabilities ("${reply.text}").`);
    return imapFeatures(capabilityWords(reply.untagged));
  }

  /** AUTHENTICATE PLAIN (RFC 4616), with the initial response inline when the server has SASL-IR (RFC 4959). */
  async function authenticatePlain(channel: LineChannel, payload: string, inline: boolean): Promise<Tagged> {
    const tag = `h${++counter}`;
    if (inline) {
      channel.send(`${tag} AUTHENTICATE PLAIN ${payload}`, `${tag} AUTHENTICATE PLAIN ${REDACTED}`);
      return readTagged(channel, tag);
    }
    channel.send(`${tag} AUTHENTICATE PLAIN`);
    const next = await channel.readLine();
    if (next.startsWith(`${tag} `)) return { untagged: [], ...status(next) };
    if (!next.startsWith('+')) throw new HeronError('protocol-error', `The server answered "${next.slice(0, 120)}" instead of asking for credentials.`);
    channel.send(payload, REDACTED);
    return readTagged(channel, tag);
  }

  return {
    async greeting(channel) {
      const line = await channel.readLine();
      if (/^\* OK\b/i.test(line)) return line;
      if (/^\* PREAUTH\b/i.test(line)) {
        if (ctx.security === 'starttls') throw failures.preauthWithoutTls();
        return line;
      }
      if (/^\* BYE\b/i.test(line)) throw failures.serverRefused(ctx, line);
      throw failures.wrongProtocol(ctx, line, greetingProtocol(line));
    },
    features: capability,
    async startTls(channel) {
      const reply = await command(channel, 'STARTTLS');
      if (reply.status !== 'OK') throw failures.starttlsRefused(ctx, `${reply.status} ${reply.text}`);
    },
    async login(channel, username, password, features) {
      if (features.loginDisabled) throw failures.loginDisabled();
      const plain = features.authMechanisms.includes('PLAIN');
      const reply = plain
        ? await authenticatePlain(channel, Buffer.from(`\0${username}\0${password}`, 'utf8').toString('base64'), features.capabilities.some((c) => c.toUpperCase() === 'SASL-IR'))
        : await command(channel, `LOGIN ${quoted(username)} ${quoted(password)}`, `LOGIN ${quoted(username)} ${REDACTED}`);
      if (reply.status === 'NO') throw failures.authFailed(ctx, reply.text);
      if (reply.status === 'BAD') throw new HeronError('server-rejected', `The server rejected the login command ("${reply.text}").`, { serverResponse: reply.text, command: plain ? 'AUTHENTICATE' : 'LOGIN' });
      // Servers often announce the logged-in capabilities with the reply (they grow after login); otherwise ask.
      const announced = /^\[CAPABILITY ([^\]]*)\]/i.exec(reply.text)?.[1] ?? capabilityWords(reply.untagged).join(' ');
      return announced ? imapFeatures(announced.trim().split(/\s+/)) : capability(channel);
    },
    async quit(channel) {
      await politely(() => command(channel, 'LOGOUT'));
    },
  };
}
