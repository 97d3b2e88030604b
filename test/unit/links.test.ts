// checkLink as a table: allowed schemes, text that shows another site, IDN look-alikes, userinfo tricks; and the Punycode decoder.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { domainToASCII, domainToUnicode } from 'node:url';
import { checkLink, hostShownIn, isConfusableHost, registrableHost, type LinkAction } from '../../shared/links';
import { decodePunycode, hostToUnicode } from '../../shared/punycode';

/** Cyrillic "а" (U+0430) in place of Latin "a". */
const CYRILLIC_PAYPAL = 'p\u0430ypal.example';
/** "аррle" written entirely in Cyrillic letters. */
const CYRILLIC_APPLE = '\u0430\u0440\u0440le'.replace('le', '\u04cf\u0435') + '.example';
const PUNY_PAYPAL = domainToASCII(CYRILLIC_PAYPAL);
const PUNY_APPLE = domainToASCII(CYRILLIC_APPLE);

const rows: [href: string, text: string, action: LinkAction, why: string][] = [
  // Schemes.
  ['https://bank.example/login', 'Log in', 'open', 'https with text that names no site'],
  ['http://bank.example/', 'Our site', 'open', 'plain http is allowed (the person sees the address on hover and on the page)'],
  ['mailto:help@bank.example?subject=Hi', 'Write to us', 'open', 'mailto stays a mailto'],
  ['MAILTO:help@bank.example', 'help@bank.example', 'open', 'schemes are case-insensitive'],
  ['javascript:alert(1)', 'Click', 'block', 'javascript:'],
  ['JaVaScRiPt:alert(1)', 'Click', 'block', 'javascript: in mixed case'],
  ['java\tscript:alert(1)', 'Click', 'block', 'a tab inside the scheme, which the URL parser removes'],
  ['  javascript:alert(1)', 'Click', 'block', 'leading spaces'],
  ['vbscript:msgbox(1)', 'Click', 'block', 'vbscript:'],
  ['data:text/html,<script>alert(1)</script>', 'Click', 'block', 'data: documents'],
  ['file:///etc/passwd', 'Click', 'block', 'file:'],
  ['ftp://files.example/a', 'Files', 'block', 'ftp: is not a web link here'],
  ['ms-msdt:/id PCWDiagnostic', 'Fix', 'block', 'OS protocol handlers'],
  ['smb://server/share', 'Share', 'block', 'smb:'],
  ['/relative/path', 'Somewhere', 'block', 'a relative link has nothing to be relative to in mail'],
  ['//evil.test/x', 'Somewhere', 'block', 'a scheme-relative link'],
  ['', 'Empty', 'block', 'an empty href'],
  ['https://', 'Broken', 'block', 'no host'],
  // Text that shows a domain.
  ['https://evil.test/login', 'https://bank.example/login', 'confirm', 'text shows a URL on another site'],
  ['https://evil.test/login', 'bank.example', 'confirm', 'text shows a bare domain of another site'],
  ['https://evil.test/', 'Log in at www.bank.example today', 'confirm', 'a domain inside a sentence'],
  ['https://bank.example.evil.test/', 'bank.example', 'confirm', 'the shown name as a subdomain of another site'],
  ['https://evil.test/#https://bank.example', 'https://bank.example', 'confirm', 'the shown site only in the fragment'],
  ['https://bank.example/account', 'https://bank.example', 'open', 'text equal to the host'],
  ['https://BANK.example/', 'bank.EXAMPLE', 'open', 'hosts compare case-insensitively'],
  ['https://www.bank.example/', 'bank.example', 'open', 'www. is the same site'],
  ['https://login.bank.example/', 'https://bank.example', 'open', 'a subdomain of the shown site'],
  ['https://bank.co.uk/', 'www.bank.co.uk', 'open', 'a registrable name under a country second level'],
  ['https://other.co.uk/', 'bank.co.uk', 'confirm', 'another name under the same country second level'],
  ['https://files.example/report.pdf', 'report.pdf', 'open', 'a file name is not a domain'],
  ['https://bank.example/', 'Version 1.2 is out', 'open', 'a version number is not a domain'],
  ['https://bank.example/', 'help@other.example', 'open', 'an email address in the text is not the site the link goes to'],
  ['https://bank.example/', '\u200bbank.example', 'open', 'zero-width characters in the text are ignored'],
  ['https://evil.test/', 'bank\u200b.example', 'confirm', 'and do not hide a shown domain'],
  // IDN and Punycode look-alikes.
  [`https://${PUNY_PAYPAL}/`, 'https://paypal.example', 'confirm', 'Cyrillic а in the href, Latin text'],
  ['https://paypal.example/', `https://${CYRILLIC_PAYPAL}`, 'confirm', 'Cyrillic а in the text, Latin href'],
  [`https://${CYRILLIC_PAYPAL}/`, 'Log in', 'confirm', 'a mixed-script host asks even when the text shows no site'],
  [`https://${PUNY_APPLE}/`, 'Apple', 'confirm', 'a whole-script Cyrillic look-alike of a Latin name'],
  ['https://xn--bcher-kva.example/', 'bücher.example', 'open', 'a real IDN shown as itself in the text'],
  ['https://xn--h1alffa9f.xn--p1ai/', 'Россия', 'open', 'Cyrillic under a Cyrillic TLD is no imitation'],
  // Userinfo and numeric hosts.
  ['https://bank.example@evil.test/', 'https://bank.example', 'block', 'user info disguising the host'],
  ['https://bank.example:secret@evil.test/', 'Bank', 'block', 'user and password'],
  ['http://192.168.0.1/admin', 'Router', 'confirm', 'a bare IPv4 address'],
  ['http://[::1]/', 'Local', 'confirm', 'a bare IPv6 address'],
  ['http://0x7f.1/', 'Local', 'confirm', 'hex IPv4, which the parser normalizes to 127.0.0.1'],
  [`https://bank.example/${'a'.repeat(9000)}`, 'Bank', 'block', 'over-long'],
];

describe('checkLink', () => {
  for (const [href, text, action, why] of rows) {
    it(`${action}: ${why}`, () => {
      const result = checkLink(href, text);
      assert.equal(result.action, action, `${JSON.stringify(href.slice(0, 80))} shown as ${JSON.stringify(text)}: ${result.reason ?? ''}`);
      if (action === 'block') {
        assert.equal(result.url, undefined);
        assert.ok(result.reason && result.reason.length > 10);
      } else {
        assert.ok(result.url, 'a URL to open');
        if (action === 'confirm') assert.ok(result.reason && result.reason.length > 10);
        else assert.equal(result.reason, undefined);
      }
    });
  }

  it('returns the normalized URL: punycode hosts, the parser having removed tabs', () => {
    assert.equal(checkLink(`https://${CYRILLIC_PAYPAL}/x`, '').url, `https://${PUNY_PAYPAL}/x`);
    assert.equal(checkLink('https://bank.exa\tmple/a b', 'x').url, 'https://bank.example/a%20b');
  });

  it('names both sites in the reason for deceptive text', () => {
    const reason = checkLink('https://evil.test/login', 'https://bank.example/login').reason ?? '';
    assert.match(reason, /bank\.example/);
    assert.match(reason, /evil\.test/);
  });

  it('shows a look-alike shown host in its ASCII form, so the reason itself does not deceive', () => {
    const reason = checkLink('https://paypal.example/', CYRILLIC_PAYPAL).reason ?? '';
    assert.ok(reason.includes(PUNY_PAYPAL), reason);
  });

  it('names the real host of a userinfo trick', () => {
    assert.match(checkLink('https://bank.example@evil.test/', '').reason ?? '', /evil\.test/);
  });
});

describe('link helpers', () => {
  it('finds the host a link text shows', () => {
    assert.equal(hostShownIn('Visit <https://Bank.Example/x>.'), 'bank.example');
    assert.equal(hostShownIn('bank.example/login?x=1'), 'bank.example');
    assert.equal(hostShownIn('Click here'), null);
    assert.equal(hostShownIn('e.g. this'), null);
    assert.equal(hostShownIn(CYRILLIC_PAYPAL), PUNY_PAYPAL);
  });

  it('takes the registrable part of a host, roughly', () => {
    assert.equal(registrableHost('a.b.bank.example'), 'bank.example');
    assert.equal(registrableHost('www.bank.co.uk'), 'bank.co.uk');
    assert.equal(registrableHost('127.0.0.1'), '127.0.0.1');
  });

  it('tells look-alike hosts from real international ones', () => {
    assert.equal(isConfusableHost(PUNY_PAYPAL), true);
    assert.equal(isConfusableHost(PUNY_APPLE), true);
    assert.equal(isConfusableHost('xn--bcher-kva.example'), false);
    assert.equal(isConfusableHost('bank.example'), false);
  });
});

describe('decodePunycode', () => {
  it("agrees with Node's IDNA for real labels", () => {
    for (const host of ['bücher.example', 'münchen.de', '東京.jp', 'россия.рф', CYRILLIC_PAYPAL, 'ελλάδα.gr', 'mañana.com', '😀.example']) {
      assert.equal(hostToUnicode(domainToASCII(host)), domainToUnicode(domainToASCII(host)), host);
    }
  });

  it('refuses what is not Punycode', () => {
    assert.equal(decodePunycode('ü'), null);
    assert.equal(decodePunycode('99999999999'), null);
    assert.equal(hostToUnicode('xn--!!.example'), 'xn--!!.example');
  });
});
