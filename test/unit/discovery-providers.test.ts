// The built-in provider table: found by address domain and by MX host, and every entry encrypted on standard ports.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { standardPort } from '../../shared/ports';
import { providerForDomain, providerForMx, type Provider } from '../../src-main/discovery/providers';

const hosts = (provider: Provider | null) => provider?.servers.map((s) => `${s.protocol} ${s.host}:${s.port} ${s.security}${s.username ? ` ${s.username}` : ''}`);

describe('provider table by domain', () => {
  it('knows the largest providers under each of their domains', () => {
    assert.deepEqual(hosts(providerForDomain('gmail.com')), ['imap imap.gmail.com:993 tls', 'pop3 pop.gmail.com:995 tls', 'smtp smtp.gmail.com:465 tls', 'smtp smtp.gmail.com:587 starttls']);
    assert.equal(providerForDomain('GoogleMail.com')?.name, 'Google');
    for (const domain of ['outlook.com', 'hotmail.com', 'live.com', 'hotmail.co.uk']) assert.equal(providerForDomain(domain)?.name, 'Microsoft Outlook.com', domain);
    assert.deepEqual(hosts(providerForDomain('hotmail.com'))?.at(-1), 'smtp smtp-mail.outlook.com:587 starttls');
    for (const [domain, name] of [
      ['yahoo.com', 'Yahoo'], ['me.com', 'iCloud Mail'], ['aol.com', 'AOL'], ['web.de', 'WEB.DE'], ['fastmail.com', 'Fastmail'],
      ['zoho.com', 'Zoho Mail'], ['proton.me', 'Proton Mail'], ['yandex.ru', 'Yandex Mail'], ['mail.ru', 'Mail.ru'], ['bk.ru', 'Mail.ru'],
    ])
      assert.equal(providerForDomain(domain as string)?.name, name, domain);
    assert.equal(providerForDomain('example.com'), null);
    assert.equal(providerForDomain('notgmail.com'), null);
  });

  it('sends German-speaking GMX domains to gmx.net and every other gmx.* to gmx.com', () => {
    assert.equal(providerForDomain('gmx.de')?.servers[0]?.host, 'imap.gmx.net');
    assert.equal(providerForDomain('gmx.at')?.servers[0]?.host, 'imap.gmx.net');
    assert.equal(providerForDomain('gmx.com')?.servers[0]?.host, 'imap.gmx.com');
    assert.equal(providerForDomain('gmx.co.uk')?.servers[0]?.host, 'imap.gmx.com');
    assert.equal(providerForDomain('gmx.fr')?.servers[0]?.host, 'imap.gmx.com');
    assert.equal(providerForDomain('gmx.example.org'), null);
  });

  it('carries the username rules and notes a person needs', () => {
    assert.deepEqual(hosts(providerForDomain('icloud.com')), ['imap imap.mail.me.com:993 tls %EMAILLOCALPART%', 'smtp smtp.mail.me.com:587 starttls']);
    assert.match(providerForDomain('gmail.com')?.note ?? '', /app password/);
    const proton = providerForDomain('pm.me');
    assert.deepEqual(hosts(proton), ['imap 127.0.0.1:1143 starttls', 'smtp 127.0.0.1:1025 starttls']);
    assert.match(proton?.note ?? '', /Bridge/);
  });
});

describe('provider table by MX host', () => {
  it('recognises hosted domains by their MX', () => {
    assert.equal(providerForMx('aspmx.l.google.com')?.name, 'Google Workspace');
    assert.equal(providerForMx('ALT1.ASPMX.L.GOOGLE.COM.')?.servers[0]?.host, 'imap.gmail.com');
    assert.equal(providerForMx('example-com.mail.protection.outlook.com')?.name, 'Microsoft 365');
    assert.deepEqual(hosts(providerForMx('example-com.mail.protection.outlook.com'))?.at(-1), 'smtp smtp.office365.com:587 starttls');
    assert.equal(providerForMx('in1-smtp.messagingengine.com')?.name, 'Fastmail');
    assert.equal(providerForMx('mx.zoho.eu')?.servers[0]?.host, 'imappro.zoho.eu');
    assert.equal(providerForMx('mx.zoho.com')?.servers[0]?.host, 'imappro.zoho.com');
    assert.equal(providerForMx('mail.protonmail.ch')?.name, 'Proton Mail');
    assert.equal(providerForMx('mx.yandex.net')?.name, 'Yandex Mail');
    assert.equal(providerForMx('emx.mail.ru')?.name, 'Mail.ru');
  });

  it('matches whole labels only, and knows nothing about other hosts', () => {
    assert.equal(providerForMx('mx.notgoogle.com'), null);
    assert.equal(providerForMx('google.com.evil.example'), null);
    assert.equal(providerForMx('mx.example.net'), null);
  });
});

describe('every entry', () => {
  it('is encrypted and on its protocol’s standard port (Proton Bridge’s local ports aside)', () => {
    const domains = ['gmail.com', 'outlook.com', 'yahoo.com', 'icloud.com', 'aol.com', 'gmx.de', 'gmx.com', 'web.de', 'fastmail.com', 'zoho.com', 'zoho.eu', 'yandex.ru', 'mail.ru', 'posteo.de', 'mailbox.org'];
    const mx = ['aspmx.l.google.com', 'x.mail.protection.outlook.com', 'mx.zoho.com', 'mx.zoho.eu'];
    const providers = [...domains.map(providerForDomain), ...mx.map(providerForMx)];
    for (const provider of providers) {
      assert.ok(provider);
      assert.ok(provider.servers.some((s) => s.protocol !== 'smtp'), `${provider.name} has an incoming server`);
      assert.ok(provider.servers.some((s) => s.protocol === 'smtp'), `${provider.name} has an outgoing server`);
      for (const server of provider.servers) {
        assert.notEqual(server.security, 'none', `${provider.name} ${server.host}`);
        assert.equal(server.port, standardPort(server.protocol, server.security), `${provider.name} ${server.host}`);
      }
    }
  });
});
