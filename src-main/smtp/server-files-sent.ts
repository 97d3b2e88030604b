// The providers whose submission server files every message it accepts in the mailbox's Sent folder itself.

import type { IncomingSettings, OutgoingSettings } from '../../shared/model';

interface Provider {
  /** Exact host names, for the IMAP side and the submission side. */
  hosts: readonly string[];
  /** Domains every host under which is this provider's own mailbox service. */
  domains: readonly string[];
}

/**
 * Gmail puts what smtp.gmail.com accepts in [Gmail]/Sent Mail; Exchange Online and Outlook.com put what SMTP AUTH
 * submission accepts in Sent Items. gmail.com is not a domain here: smtp-relay.gmail.com is Workspace's relay for
 * whole domains, not one mailbox's submission, and a message filed by nobody would be lost from Sent.
 */
const PROVIDERS: readonly Provider[] = [
  { hosts: ['smtp.gmail.com', 'imap.gmail.com'], domains: ['googlemail.com'] },
  { hosts: ['smtp.office365.com', 'smtp-mail.outlook.com', 'outlook.office365.com', 'imap-mail.outlook.com'], domains: [] },
];

function providerOf(host: string): Provider | undefined {
  // Host names compare without case, and a fully qualified name's trailing dot names the same host.
  const name = host.trim().toLowerCase().replace(/\.$/, '');
  return PROVIDERS.find((p) => p.hosts.includes(name) || p.domains.some((domain) => name === domain || name.endsWith(`.${domain}`)));
}

const sameLogin = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Whether the submission server files the sent message in the very mailbox Heron reads over IMAP: the same provider
 * on both sides and the same login. Gmail's SMTP beside another provider's IMAP files it in the Gmail mailbox, where
 * this account's Sent folder is not, so that account still needs Heron's copy.
 */
export function serverFilesSent(incoming: IncomingSettings, outgoing: OutgoingSettings | null): boolean {
  if (!outgoing || incoming.protocol !== 'imap') return false;
  const provider = providerOf(outgoing.host);
  return provider !== undefined && providerOf(incoming.host) === provider && sameLogin(incoming.username, outgoing.username);
}
