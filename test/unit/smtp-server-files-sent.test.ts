// Which accounts' submission servers file sent mail in Sent themselves, so the outbox must not APPEND a second copy.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IncomingSettings, OutgoingSettings } from '../../shared/model';
import { serverFilesSent } from '../../src-main/smtp/server-files-sent';

const imap = (host: string, username = 'alice@example.com'): IncomingSettings => ({ protocol: 'imap', host, port: 993, security: 'tls', username });
const smtp = (host: string, username = 'alice@example.com'): OutgoingSettings => ({ host, port: 587, security: 'starttls', username });

describe('serverFilesSent', () => {
  it('Gmail, under either domain, files sent mail itself', () => {
    assert.equal(serverFilesSent(imap('imap.gmail.com'), smtp('smtp.gmail.com')), true);
    assert.equal(serverFilesSent(imap('imap.googlemail.com'), smtp('smtp.googlemail.com')), true);
    assert.equal(serverFilesSent(imap('imap.gmail.com'), smtp('smtp.googlemail.com')), true);
  });

  it('Microsoft 365 and Outlook.com file sent mail themselves', () => {
    assert.equal(serverFilesSent(imap('outlook.office365.com'), smtp('smtp.office365.com')), true);
    assert.equal(serverFilesSent(imap('outlook.office365.com'), smtp('smtp-mail.outlook.com')), true);
    assert.equal(serverFilesSent(imap('imap-mail.outlook.com'), smtp('smtp-mail.outlook.com')), true);
    assert.equal(serverFilesSent(imap('outlook.office365.com'), smtp('outlook.office365.com')), true);
  });

  it('host names match without case, surrounding spaces or a trailing dot; logins without case', () => {
    assert.equal(serverFilesSent(imap(' IMAP.Gmail.COM '), smtp('smtp.gmail.com.', 'Alice@Example.com')), true);
    assert.equal(serverFilesSent(imap('imap.gmail.com'), smtp('SMTP.GoogleMail.com')), true);
  });

  it('any other server, the lab included, gets Heron\'s copy', () => {
    assert.equal(serverFilesSent(imap('127.0.0.1'), smtp('127.0.0.1')), false);
    assert.equal(serverFilesSent(imap('imap.fastmail.com'), smtp('smtp.fastmail.com')), false);
    assert.equal(serverFilesSent(imap('mail.example.com'), smtp('mail.example.com')), false);
  });

  it('only listed hosts and subdomains of listed domains match, not look-alikes', () => {
    assert.equal(serverFilesSent(imap('imap.gmail.com'), smtp('smtp.gmail.com.evil.test')), false);
    assert.equal(serverFilesSent(imap('imap.gmail.com'), smtp('notgooglemail.com')), false);
    assert.equal(serverFilesSent(imap('outlook.office365.com'), smtp('smtp.office365.com.example')), false);
  });

  it('Workspace\'s relay (smtp-relay.gmail.com) files nothing, so it is not taken for Gmail submission', () => {
    assert.equal(serverFilesSent(imap('imap.gmail.com'), smtp('smtp-relay.gmail.com')), false);
  });

  it('the provider\'s SMTP beside another mailbox files in the provider\'s mailbox, not this account\'s Sent', () => {
    assert.equal(serverFilesSent(imap('mail.example.com'), smtp('smtp.gmail.com')), false);
    assert.equal(serverFilesSent(imap('imap.gmail.com'), smtp('smtp.office365.com')), false);
    assert.equal(serverFilesSent(imap('imap.gmail.com'), smtp('smtp.gmail.com', 'someone-else@gmail.com')), false);
  });

  it('POP3 accounts and accounts without an outgoing server never count', () => {
    assert.equal(serverFilesSent({ protocol: 'pop3', host: 'pop.gmail.com', port: 995, security: 'tls', username: 'alice@example.com' }, smtp('smtp.gmail.com')), false);
    assert.equal(serverFilesSent(imap('imap.gmail.com'), null), false);
  });
});
