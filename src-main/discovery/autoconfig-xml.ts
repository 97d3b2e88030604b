// Reads a Thunderbird autoconfig file (config-v1.1.xml) into server settings for one address.

import type { Protocol, Security } from '../../shared/model';
import { expandPlaceholders, isHostName, usernameFor, type EmailAddress } from './address';
import type { ServerSpec } from './candidate';
import { parseXml, type XmlElement } from './xml';

export interface ConfiguredServer extends ServerSpec {
  username: string;
}

export interface AutoconfigContent {
  /** In the file's order, which is the provider's preference. */
  servers: ConfiguredServer[];
  /** Entries left out, each with the reason. */
  skipped: string[];
}

const SOCKET_TYPES: Record<string, Security> = { ssl: 'tls', starttls: 'starttls', plain: 'none' };

function field(element: XmlElement, name: string): string | undefined {
  return element.children.find((child) => child.name === name)?.text.trim();
}

function readServer(element: XmlElement, address: EmailAddress): ConfiguredServer | string {
  const type = (element.attributes.type ?? '').toLowerCase();
  const protocol: Protocol | null =
    element.name === 'incomingServer' ? (type === 'imap' || type === 'pop3' ? type : null) : type === 'smtp' ? 'smtp' : null;
  if (!protocol) return `${element.name} of type "${type}", which is not IMAP, POP3 or SMTP`;
  const label = `${element.name} ${type}`;
  const host = expandPlaceholders(field(element, 'hostname') ?? '', address).toLowerCase();
  if (!isHostName(host)) return `${label}: "${host}" is not a host name`;
  const portText = field(element, 'port') ?? '';
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : 0;
  if (port < 1 || port > 65535) return `${label}: "${portText}" is not a port`;
  const security = SOCKET_TYPES[(field(element, 'socketType') ?? '').toLowerCase()];
  // Guessing a missing socketType could mean plaintext where TLS was meant; the file is simply incomplete.
  if (!security) return `${label}: socketType "${field(element, 'socketType') ?? ''}" is not SSL, STARTTLS or plain`;
  return { protocol, host, port, security, username: usernameFor(field(element, 'username'), address) };
}

/** Throws when the text is not XML or not an autoconfig file; skips (and names) entries it cannot use. */
export function readAutoconfig(xml: string, address: EmailAddress): AutoconfigContent {
  const root = parseXml(xml);
  if (root.name !== 'clientConfig') throw new Error(`the root element is <${root.name}>, not <clientConfig>`);
  const content: AutoconfigContent = { servers: [], skipped: [] };
  for (const provider of root.children.filter((child) => child.name === 'emailProvider')) {
    for (const element of provider.children) {
      if (element.name !== 'incomingServer' && element.name !== 'outgoingServer') continue;
      const server = readServer(element, address);
      if (typeof server === 'string') content.skipped.push(server);
      else content.servers.push(server);
    }
  }
  return content;
}
