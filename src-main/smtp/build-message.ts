// Builds an outgoing message with nodemailer's MailComposer: the same outbox row always gives the same bytes.

import MailComposer from 'nodemailer/lib/mail-composer';
import type { Address, OutgoingMessage } from '../../shared/model';

/** 'wire' is what the recipients get (no Bcc header); 'sent' is the copy filed in Sent, which keeps Bcc so the sender can see whom they copied. */
export type MessageCopy = 'wire' | 'sent';

export interface Envelope {
  from: string;
  to: string[];
}

const mailbox = (a: Address) => ({ name: a.name, address: a.address });

/**
 * RFC 5322 bytes with CRLF line ends (what SMTP DATA and IMAP APPEND both want). The Date comes from the row
 * and the multipart boundaries from its id, so a retry sends exactly what the first attempt sent, and nothing
 * is read from a file or URL whatever the row says.
 */
export function buildMessage(message: OutgoingMessage, copy: MessageCopy): Promise<Buffer> {
  const node = new MailComposer({
    from: mailbox(message.from),
    to: message.to.map(mailbox),
    cc: message.cc.map(mailbox),
    bcc: message.bcc.map(mailbox),
    subject: message.subject,
    text: message.text,
    ...(message.html !== null ? { html: message.html } : {}),
    ...(message.inReplyTo ? { inReplyTo: message.inReplyTo } : {}),
    ...(message.references.length > 0 ? { references: message.references } : {}),
    messageId: message.messageId,
    date: new Date(message.date),
    attachments: message.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: Buffer.from(a.base64, 'base64'),
      ...(a.contentId ? { cid: a.contentId } : {}),
    })),
    baseBoundary: message.id,
    newline: 'win',
    disableFileAccess: true,
    disableUrlAccess: true,
  }).compile();
  node.keepBcc = copy === 'sent';
  return node.build();
}

/** MAIL FROM and every RCPT TO: To, Cc and Bcc, each address once (compared without case). */
export function envelopeOf(message: OutgoingMessage): Envelope {
  const seen = new Set<string>();
  const to: string[] = [];
  for (const { address } of [...message.to, ...message.cc, ...message.bcc]) {
    const key = address.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    to.push(address);
  }
  return { from: message.from.address, to };
}
