// The built-in table of the largest mail providers' documented settings, found by address domain or by MX host.

import type { Protocol, Security } from '../../shared/model';

export interface ServerTemplate {
  protocol: Protocol;
  host: string;
  port: number;
  security: Security;
  /** Autoconfig placeholders (%EMAILLOCALPART% …); the full address when absent. */
  username?: string;
}

export interface Provider {
  name: string;
  servers: ServerTemplate[];
  /** What a person must know to log in (app passwords, a bridge, a setting to switch on). */
  note?: string;
}

const imap = (host: string, username?: string): ServerTemplate => ({ protocol: 'imap', host, port: 993, security: 'tls', ...(username ? { username } : {}) });
const pop3 = (host: string): ServerTemplate => ({ protocol: 'pop3', host, port: 995, security: 'tls' });
const smtps = (host: string): ServerTemplate => ({ protocol: 'smtp', host, port: 465, security: 'tls' });
const submission = (host: string): ServerTemplate => ({ protocol: 'smtp', host, port: 587, security: 'starttls' });

const APP_PASSWORD = 'It accepts an app password (made in your account’s security settings), not your usual password.';

const GOOGLE: Provider = {
  name: 'Google',
  servers: [imap('imap.gmail.com'), pop3('pop.gmail.com'), smtps('smtp.gmail.com'), submission('smtp.gmail.com')],
  note: `${APP_PASSWORD} App passwords need 2-Step Verification.`,
};
const OUTLOOK_NOTE = 'Microsoft has switched off password sign-in for most accounts, so the server may refuse your password.';
const OUTLOOK: Provider = {
  name: 'Microsoft Outlook.com',
  servers: [imap('outlook.office365.com'), pop3('outlook.office365.com'), submission('smtp-mail.outlook.com')],
  note: OUTLOOK_NOTE,
};
const MICROSOFT_365: Provider = {
  name: 'Microsoft 365',
  servers: [imap('outlook.office365.com'), pop3('outlook.office365.com'), submission('smtp.office365.com')],
  note: `${OUTLOOK_NOTE} Your administrator may also have switched IMAP, POP3 or SMTP off.`,
};
const YAHOO: Provider = {
  name: 'Yahoo',
  servers: [imap('imap.mail.yahoo.com'), pop3('pop.mail.yahoo.com'), smtps('smtp.mail.yahoo.com'), submission('smtp.mail.yahoo.com')],
  note: APP_PASSWORD,
};
const ICLOUD: Provider = {
  name: 'iCloud Mail',
  // Apple documents the IMAP username as the part before the @; SMTP takes the full address.
  servers: [imap('imap.mail.me.com', '%EMAILLOCALPART%'), submission('smtp.mail.me.com')],
  note: 'It accepts an app-specific password (made at account.apple.com), not your Apple Account password.',
};
const AOL: Provider = {
  name: 'AOL',
  servers: [imap('imap.aol.com'), pop3('pop.aol.com'), smtps('smtp.aol.com'), submission('smtp.aol.com')],
  note: APP_PASSWORD,
};
const GMX_NOTE = 'IMAP and POP3 access must be switched on in the web mail settings first.';
const GMX_DE: Provider = {
  name: 'GMX',
  servers: [imap('imap.gmx.net'), pop3('pop.gmx.net'), smtps('mail.gmx.net'), submission('mail.gmx.net')],
  note: GMX_NOTE,
};
const GMX_COM: Provider = {
  name: 'GMX',
  servers: [imap('imap.gmx.com'), pop3('pop.gmx.com'), smtps('mail.gmx.com'), submission('mail.gmx.com')],
  note: GMX_NOTE,
};
const WEB_DE: Provider = {
  name: 'WEB.DE',
  servers: [imap('imap.web.de'), pop3('pop3.web.de'), submission('smtp.web.de')],
  note: GMX_NOTE,
};
const FASTMAIL: Provider = {
  name: 'Fastmail',
  servers: [imap('imap.fastmail.com'), pop3('pop.fastmail.com'), smtps('smtp.fastmail.com'), submission('smtp.fastmail.com')],
  note: APP_PASSWORD,
};
const ZOHO_NOTE = 'With two-factor authentication on, it accepts an application-specific password.';
const zoho = (region: 'com' | 'eu', pro: boolean): Provider => {
  // Addresses on your own domain use the "pro" hosts; personal zoho.com addresses the plain ones.
  const suffix = pro ? 'pro' : '';
  return {
    name: pro ? 'Zoho Mail (organization)' : 'Zoho Mail',
    servers: [imap(`imap${suffix}.zoho.${region}`), pop3(`pop${suffix}.zoho.${region}`), smtps(`smtp${suffix}.zoho.${region}`), submission(`smtp${suffix}.zoho.${region}`)],
    note: ZOHO_NOTE,
  };
};
const PROTON: Provider = {
  name: 'Proton Mail',
  // Proton's servers speak no IMAP: Proton Mail Bridge runs on this computer and serves the mailbox on loopback.
  servers: [
    { protocol: 'imap', host: '127.0.0.1', port: 1143, security: 'starttls' },
    { protocol: 'smtp', host: '127.0.0.1', port: 1025, security: 'starttls' },
  ],
  note: 'Proton Mail works through Proton Mail Bridge, which must be installed and running on this computer. Use the password Bridge shows, not your Proton password, and confirm Bridge’s own certificate when asked.',
};
const YANDEX: Provider = {
  name: 'Yandex Mail',
  servers: [imap('imap.yandex.com'), pop3('pop.yandex.com'), smtps('smtp.yandex.com')],
  note: `${APP_PASSWORD} Mail client access must be switched on in the mail settings.`,
};
const MAIL_RU: Provider = {
  name: 'Mail.ru',
  servers: [imap('imap.mail.ru'), pop3('pop.mail.ru'), smtps('smtp.mail.ru')],
  note: 'It accepts a password for external applications (made in the security settings), not your usual password.',
};
const POSTEO: Provider = {
  name: 'Posteo',
  servers: [imap('posteo.de'), pop3('posteo.de'), smtps('posteo.de'), submission('posteo.de')],
};
const MAILBOX_ORG: Provider = {
  name: 'mailbox.org',
  servers: [imap('imap.mailbox.org'), pop3('pop3.mailbox.org'), smtps('smtp.mailbox.org'), submission('smtp.mailbox.org')],
};

const BY_DOMAIN: Array<[Provider, string[]]> = [
  [GOOGLE, ['gmail.com', 'googlemail.com']],
  [
    OUTLOOK,
    ['outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'hotmail.co.uk', 'hotmail.fr', 'hotmail.de', 'hotmail.it', 'hotmail.es',
     'live.co.uk', 'live.fr', 'live.de', 'outlook.de', 'outlook.fr', 'outlook.es', 'outlook.it'],
  ],
  [YAHOO, ['yahoo.com', 'ymail.com', 'rocketmail.com', 'yahoo.co.uk', 'yahoo.fr', 'yahoo.de', 'yahoo.it', 'yahoo.es', 'yahoo.co.jp']],
  [ICLOUD, ['icloud.com', 'me.com', 'mac.com']],
  [AOL, ['aol.com', 'aim.com']],
  [GMX_DE, ['gmx.de', 'gmx.net', 'gmx.at', 'gmx.ch']],
  [WEB_DE, ['web.de']],
  [FASTMAIL, ['fastmail.com', 'fastmail.fm']],
  [zoho('com', false), ['zoho.com', 'zohomail.com']],
  [zoho('eu', false), ['zoho.eu', 'zohomail.eu']],
  [PROTON, ['proton.me', 'protonmail.com', 'protonmail.ch', 'pm.me']],
  [YANDEX, ['yandex.ru', 'yandex.com', 'ya.ru', 'yandex.by', 'yandex.kz', 'yandex.ua']],
  [MAIL_RU, ['mail.ru', 'inbox.ru', 'list.ru', 'bk.ru', 'internet.ru']],
  [POSTEO, ['posteo.de', 'posteo.net']],
  [MAILBOX_ORG, ['mailbox.org']],
];

/** GMX runs the same service under many country domains; all but the German-speaking ones use gmx.com's servers. */
const GMX_ELSEWHERE = /^gmx\.[a-z]{2,3}(\.[a-z]{2})?$/;

/** MX hosts end in these names when the provider receives the domain's mail (custom domains on a hosted service). */
const BY_MX: Array<[Provider, string[]]> = [
  [{ ...GOOGLE, name: 'Google Workspace' }, ['google.com', 'googlemail.com']],
  [MICROSOFT_365, ['outlook.com']],
  [FASTMAIL, ['messagingengine.com']],
  [zoho('com', true), ['zoho.com']],
  [zoho('eu', true), ['zoho.eu']],
  [PROTON, ['protonmail.ch']],
  [YANDEX, ['yandex.net', 'yandex.ru']],
  [MAIL_RU, ['mail.ru']],
  [MAILBOX_ORG, ['mailbox.org']],
];

export function providerForDomain(domain: string): Provider | null {
  const name = domain.toLowerCase();
  const known = BY_DOMAIN.find(([, domains]) => domains.includes(name));
  if (known) return known[0];
  return GMX_ELSEWHERE.test(name) ? GMX_COM : null;
}

export function providerForMx(mxHost: string): Provider | null {
  const host = mxHost.toLowerCase().replace(/\.$/, '');
  const known = BY_MX.find(([, suffixes]) => suffixes.some((suffix) => host === suffix || host.endsWith(`.${suffix}`)));
  return known ? known[0] : null;
}
