// The doctor's POP3 dialogue (RFC 1939, RFC 2449 CAPA, RFC 2595 STLS): greeting, CAPA, STLS, USER/PASS, QUIT.

import { HeronError } from '../../shared/errors';
import { REDACTED } from './transcript';
import { failures, greetingProtocol, type AdviceContext } from './advice';
import { politely, type Dialogue, type ServerFeatures } from './dialogue';
import type { LineChannel } from './line-channel';

interface Reply {
  ok: boolean;
  text: string;
}

async function reply(channel: LineChannel): Promise<Reply> {
  const line = await channel.readLine();
  if (!/^[+-](OK|ERR)\b/.test(line)) throw new HeronError('protocol-error', `The POP3 server answered "${line.slice(0, 120)}".`);
  return { ok: line.startsWith('+OK'), text: line.replace(/^(\+OK|-ERR) ?/, '') };
}

async function command(channel: LineChannel, line: string, shown = line): Promise<Reply> {
  channel.send(line, shown);
  return reply(channel);
}

export function pop3Features(lines: string[]): ServerFeatures {
  const upper = lines.map((line) => line.toUpperCase());
  const sasl = upper.find((line) => line.startsWith('SASL '));
  return {
    capabilities: lines,
    authMechanisms: sasl ? sasl.slice(5).trim().split(/\s+/) : [],
    startTls: upper.includes('STLS'),
    loginDisabled: false,
  };
}

/** CAPA's list (RFC 2449); a server without CAPA answers -ERR and announces nothing, STLS included. */
async function capa(channel: LineChannel): Promise<ServerFeatures> {
  const answer = await command(channel, 'CAPA');
  const lines: string[] = [];
  if (answer.ok) {
    for (let line = await channel.readLine(); line !== '.'; line = await channel.readLine()) {
      const item = (line.startsWith('..') ? line.slice(1) : line).trim();
      if (item) lines.push(item);
    }
  }
  return pop3Features(lines);
}

export function pop3Dialogue(ctx: AdviceContext): Dialogue {
  return {
    async greeting(channel) {
      const line = await channel.readLine();
      if (line.startsWith('+OK')) return line;
      if (line.startsWith('-ERR')) throw failures.serverRefused(ctx, line);
      throw failures.wrongProtocol(ctx, line, greetingProtocol(line));
    },
    features: capa,
    async startTls(channel) {
      const answer = await command(channel, 'STLS');
      if (!answer.ok) throw failures.starttlsRefused(ctx, `-ERR ${answer.text}`);
    },
    async login(channel, username, password) {
      const user = await command(channel, `USER ${username}`);
      if (!user.ok) throw failures.authFailed(ctx, user.text);
      const pass = await command(channel, `PASS ${password}`, `PASS ${REDACTED}`);
      if (!pass.ok) throw failures.authFailed(ctx, pass.text);
      return capa(channel);
    },
    async quit(channel) {
      await politely(() => command(channel, 'QUIT'));
    },
  };
}
