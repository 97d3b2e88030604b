// Autoconfig XML: the small XML reader, and config-v1.1.xml read into servers with placeholders filled in.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAddress } from '../../src-main/discovery/address';
import { readAutoconfig } from '../../src-main/discovery/autoconfig-xml';
import { parseXml } from '../../src-main/discovery/xml';

const jane = parseAddress('Jane.Doe@Example.COM');

function config(servers: string): string {
  return `<?xml version="1.0"?>\n<clientConfig version="1.1"><emailProvider id="example.com">${servers}</emailProvider></clientConfig>`;
}

describe('XML reader', () => {
  it('reads elements, attributes, text, CDATA, entities and character references, and skips comments and declarations', () => {
    const root = parseXml(
      `\uFEFF<?xml version="1.0"?>\n<!-- c --><a x="1 &amp; 2" y='q"'><b>T&lt;&#x41;&#66;&gt;</b><c/><d><![CDATA[<raw & text>]]></d></a>\n`,
    );
    assert.equal(root.name, 'a');
    assert.deepEqual(root.attributes, { x: '1 & 2', y: 'q"' });
    assert.deepEqual(root.children.map((child) => [child.name, child.text]), [['b', 'T<AB>'], ['c', ''], ['d', '<raw & text>']]);
  });

  it('refuses what is not well-formed, and any DTD (no entity expansion)', () => {
    for (const [text, problem] of [
      ['<a><b></a>', /does not close/],
      ['<a>', /never closed/],
      ['<a/><b/>', /second root/],
      ['text<a/>', /outside the root/],
      ['<a>&nope;</a>', /unknown entity/],
      ['<a>fish & chips</a>', /bare "&"/],
      ['<a x=1/>', /malformed/],
      ['<!DOCTYPE a [<!ENTITY x "xx">]><a>&x;</a>', /document type declaration/],
      ['<a><!-- open', /unterminated/],
      ['', /no root/],
    ] as const) {
      assert.throws(() => parseXml(text), problem, text);
    }
  });
});

describe('autoconfig file', () => {
  it('reads IMAP, POP3 and SMTP servers in order, with socket types and placeholders', () => {
    const content = readAutoconfig(
      config(`
        <incomingServer type="imap"><hostname>imap.%EMAILDOMAIN%</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILLOCALPART%</username></incomingServer>
        <incomingServer type="pop3"><hostname>POP.example.com</hostname><port>110</port><socketType>STARTTLS</socketType><username>%EMAILADDRESS%</username></incomingServer>
        <outgoingServer type="smtp"><hostname>smtp.example.com</hostname><port>25</port><socketType>plain</socketType></outgoingServer>`),
      jane,
    );
    assert.deepEqual(content.servers, [
      { protocol: 'imap', host: 'imap.example.com', port: 993, security: 'tls', username: 'Jane.Doe' },
      { protocol: 'pop3', host: 'pop.example.com', port: 110, security: 'starttls', username: 'Jane.Doe@Example.COM' },
      { protocol: 'smtp', host: 'smtp.example.com', port: 25, security: 'none', username: 'Jane.Doe@Example.COM' },
    ]);
    assert.deepEqual(content.skipped, []);
  });

  it('leaves out, and names, entries it cannot use instead of guessing', () => {
    const content = readAutoconfig(
      config(`
        <incomingServer type="exchange"><hostname>ews.example.com</hostname></incomingServer>
        <incomingServer type="imap"><hostname>imap.example.com</hostname><port>993</port></incomingServer>
        <incomingServer type="imap"><hostname>imap.example.com</hostname><port>99999</port><socketType>SSL</socketType></incomingServer>
        <incomingServer type="imap"><hostname>bad host</hostname><port>993</port><socketType>SSL</socketType></incomingServer>
        <outgoingServer type="imap"><hostname>smtp.example.com</hostname><port>465</port><socketType>SSL</socketType></outgoingServer>
        <outgoingServer type="smtp"><hostname>smtp.example.com</hostname><port>465</port><socketType>SSL</socketType><username>%REALNAME%</username></outgoingServer>`),
      jane,
    );
    assert.equal(content.skipped.length, 5);
    assert.match(content.skipped[0] ?? '', /"exchange"/);
    assert.match(content.skipped[1] ?? '', /socketType ""/);
    assert.match(content.skipped[2] ?? '', /"99999" is not a port/);
    assert.match(content.skipped[3] ?? '', /not a host name/);
    assert.match(content.skipped[4] ?? '', /outgoingServer of type "imap"/);
    // A placeholder Heron cannot fill in falls back to the full address.
    assert.deepEqual(content.servers, [{ protocol: 'smtp', host: 'smtp.example.com', port: 465, security: 'tls', username: 'Jane.Doe@Example.COM' }]);
  });

  it('throws for a document that is not an autoconfig file', () => {
    assert.throws(() => readAutoconfig('<html><body>Not found</body></html>', jane), /<html>, not <clientConfig>/);
    assert.throws(() => readAutoconfig('<!DOCTYPE html><html></html>', jane), /document type declaration/);
  });
});
