// Tests of the lab's fault proxy itself, against scripted in-process IMAP/POP3/SMTP peers on loopback.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net, { type Socket } from 'node:net';
import { test, type TestContext } from 'node:test';
import { startFaultProxy, type Fault, type FaultProxy, type FaultProxyOptions } from '../lab/fault-proxy';

/** Every wait in this file gives up after this long, so a broken proxy fails a test instead of hanging it. */
const WAIT_MS = 5000;
const UP = 'client-to-server';
const DOWN = 'server-to-client';

/** Resolve once `ready()` holds, re-checking whenever `subscribe` reports a change; reject after WAIT_MS. */
function waitFor(label: string, ready: () => boolean, subscribe: (check: () => void) => () => void): Promise<void> {
  if (ready()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (!ready()) return;
      finish();
      resolve();
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`timed out waiting for ${label}`));
    }, WAIT_MS);
    const unsubscribe = subscribe(check);
    const finish = (): void => {
      clearTimeout(timer);
      unsubscribe();
    };
  });
}

/** For proxy-side state that has no event (what the proxy has received so far): re-check every few ms. */
function waitUntil(label: string, ready: () => boolean): Promise<void> {
  return waitFor(label, ready, (check) => {
    const interval = setInterval(check, 5);
    return () => clearInterval(interval);
  });
}

/** Wait until the proxy has received `ending` from the server on the first connection (it records on receipt). */
function proxyReceived(proxy: FaultProxy, ending: string): Promise<void> {
  return waitUntil(`the proxy to receive ${JSON.stringify(ending)}`, () =>
    (proxy.serverSent()[0]?.toString('latin1') ?? '').endsWith(ending),
  );
}

/** One end of a TCP connection that remembers everything it received. */
class Endpoint {
  private readonly chunks: Buffer[] = [];
  private readonly listeners = new Set<() => void>();
  private closed = false;

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.notify();
    });
    socket.on('close', () => {
      this.closed = true;
      this.notify();
    });
    socket.on('error', () => undefined); // resets are what some of these tests provoke
  }

  received(): Buffer {
    return Buffer.concat(this.chunks);
  }

  text(): string {
    return this.received().toString('latin1');
  }

  waitForBytes(count: number): Promise<void> {
    return this.until(`${count} bytes`, () => this.received().length >= count);
  }

  waitForText(text: string): Promise<void> {
    return this.until(JSON.stringify(text), () => this.text().includes(text));
  }

  waitForClose(): Promise<void> {
    return this.until('close', () => this.closed);
  }

  private until(label: string, ready: () => boolean): Promise<void> {
    return waitFor(`${label} (received so far ${JSON.stringify(this.text().slice(-200))})`, ready, (check) => {
      this.listeners.add(check);
      return () => this.listeners.delete(check);
    });
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** A fake mail server: the test scripts each accepted connection itself. */
class Peer {
  private readonly accepted: Endpoint[] = [];
  private handedOut = 0;
  private readonly changed = new Set<() => void>();
  private readonly server = net.createServer((socket) => {
    this.accepted.push(new Endpoint(socket));
    for (const check of [...this.changed]) check();
  });

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as net.AddressInfo).port;
  }

  /** The next connection the proxy opened to this server. */
  async next(): Promise<Endpoint> {
    const index = this.handedOut++;
    await waitFor(`server connection ${index + 1}`, () => this.accepted.length > index, (check) => {
      this.changed.add(check);
      return () => this.changed.delete(check);
    });
    return this.accepted[index] as Endpoint;
  }

  async close(): Promise<void> {
    for (const endpoint of this.accepted) endpoint.socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

async function connect(port: number): Promise<Endpoint> {
  const socket = net.connect({ host: '127.0.0.1', port });
  const endpoint = new Endpoint(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return endpoint;
}

interface Lab {
  proxy: FaultProxy;
  /** A client connection through the proxy, and the server side of it. */
  open(): Promise<{ client: Endpoint; server: Endpoint }>;
}

/** A fake server with the proxy in front of it; everything is torn down when the test ends. */
async function startLab(t: TestContext, options: Omit<FaultProxyOptions, 'target'> = {}): Promise<Lab> {
  const peer = new Peer();
  const port = await peer.listen();
  const proxy = await startFaultProxy({ ...options, target: { host: '127.0.0.1', port } });
  const clients: Endpoint[] = [];
  t.after(async () => {
    for (const client of clients) client.socket.destroy();
    await proxy.close();
    await peer.close();
  });
  return {
    proxy,
    async open() {
      const client = await connect(proxy.port);
      clients.push(client);
      return { client, server: await peer.next() };
    },
  };
}

const cut = (direction: Fault['direction'], trigger: Fault['trigger'], extra: Partial<Fault> = {}): Fault => ({
  direction,
  trigger,
  action: { kind: 'cut' },
  ...extra,
});

test('passes 1 MB each way byte for byte and records both directions', async (t) => {
  const lab = await startLab(t);
  const { client, server } = await lab.open();
  const up = randomBytes(1 << 20);
  const down = randomBytes(1 << 20);
  client.socket.end(up);
  server.socket.end(down);
  await Promise.all([client.waitForClose(), server.waitForClose(), lab.proxy.waitForClosed(1)]);
  assert.ok(server.received().equals(up), 'server got the client bytes unchanged');
  assert.ok(client.received().equals(down), 'client got the server bytes unchanged');
  assert.ok(lab.proxy.clientSent()[0]?.equals(up), 'clientSent records the client bytes');
  assert.ok(lab.proxy.serverSent()[0]?.equals(down), 'serverSent records the server bytes');
  assert.equal(lab.proxy.connections(), 1);
});

test('cut after N bytes: the client gets exactly N bytes, then the connection closes', async (t) => {
  const lab = await startLab(t, { faults: [cut(DOWN, { afterBytes: 100 })] });
  const { client, server } = await lab.open();
  const payload = randomBytes(1000);
  server.socket.write(payload);
  await Promise.all([client.waitForClose(), server.waitForClose(), lab.proxy.waitForClosed(1)]);
  assert.deepEqual(client.received(), payload.subarray(0, 100));
});

test('cut on client text: the server gets what came before the command, not the command', async (t) => {
  const lab = await startLab(t, { faults: [cut(UP, { onText: 'FETCH' })] });
  const { client, server } = await lab.open();
  client.socket.write('A1 LOGIN a b\r\nA2 FETCH 1 BODY[]\r\n');
  await Promise.all([client.waitForClose(), server.waitForClose()]);
  assert.equal(server.text(), 'A1 LOGIN a b\r\nA2 ');
  assert.equal(lab.proxy.clientSent()[0]?.toString(), 'A1 LOGIN a b\r\nA2 FETCH 1 BODY[]\r\n');
});

test('cut on client text split across two writes', async (t) => {
  const lab = await startLab(t, { faults: [cut(UP, { onText: 'FETCH' })] });
  const { client, server } = await lab.open();
  client.socket.write('A2 FE');
  await server.waitForText('A2 FE');
  client.socket.write('TCH 1 BODY[]\r\n');
  await Promise.all([client.waitForClose(), server.waitForClose()]);
  // The match began in bytes already forwarded, so the cut falls at the start of the chunk that completed it.
  assert.equal(server.text(), 'A2 FE');
  assert.equal(lab.proxy.clientSent()[0]?.toString(), 'A2 FETCH 1 BODY[]\r\n');
});

test('cut on server text split across two writes', async (t) => {
  const lab = await startLab(t, { faults: [cut(DOWN, { onText: 'Subject:' })] });
  const { client, server } = await lab.open();
  server.socket.write('* 1 FETCH (BODY[] {20}\r\nSubj');
  await client.waitForText('Subj');
  server.socket.write('ect: hello\r\n\r\n)\r\n');
  await Promise.all([client.waitForClose(), server.waitForClose()]);
  assert.equal(client.text(), '* 1 FETCH (BODY[] {20}\r\nSubj');
});

test('cut on a RegExp: the POP3 end-of-message line never reaches the client', async (t) => {
  const lab = await startLab(t, { faults: [cut(DOWN, { onText: /^\. ?\r\n/m })] });
  const { client, server } = await lab.open();
  server.socket.write('+OK 30 octets\r\nSubject: x\r\n\r\n..dot\r\n.\r\n');
  await client.waitForClose();
  assert.equal(client.text(), '+OK 30 octets\r\nSubject: x\r\n\r\n..dot\r\n');
});

test('nth: the third match fires, counted across chunks, with a match split between two of them', async (t) => {
  const lab = await startLab(t, { faults: [cut(DOWN, { onText: /^\* \d+ FETCH /m, nth: 3 })] });
  const { client, server } = await lab.open();
  server.socket.write('* 1 FETCH (UID 10)\r\n* 2 FE');
  await client.waitForText('* 2 FE');
  server.socket.write('TCH (UID 11)\r\n');
  await client.waitForText('(UID 11)\r\n');
  server.socket.write('* 3 FETCH (UID 12)\r\n* 4 FETCH (UID 13)\r\n');
  await client.waitForClose();
  assert.equal(client.text(), '* 1 FETCH (UID 10)\r\n* 2 FETCH (UID 11)\r\n');
});

test('thenBytes: the trigger point is that many bytes past the match, in a later chunk', async (t) => {
  const lab = await startLab(t, { faults: [cut(UP, { onText: /APPEND [^\r\n]*\r\n/, thenBytes: 6 })] });
  const { client, server } = await lab.open();
  client.socket.write('A1 APPEND Sent {10+}\r\n0123');
  await server.waitForText('0123');
  client.socket.write('456789\r\n');
  await Promise.all([client.waitForClose(), server.waitForClose()]);
  assert.equal(server.text(), 'A1 APPEND Sent {10+}\r\n012345');
});

test('thenBytes 0 with nth: the second POP3 end-of-message line reaches the client, then the connection closes', async (t) => {
  const lab = await startLab(t, { faults: [cut(DOWN, { onText: /^\.\r\n/m, nth: 2, thenBytes: 0 })] });
  const { client, server } = await lab.open();
  server.socket.write('+OK 3 octets\r\nab\r\n.\r\n+OK 3 octets\r\ncd\r\n.\r\n+OK 3 octets\r\n');
  await client.waitForClose();
  assert.equal(client.text(), '+OK 3 octets\r\nab\r\n.\r\n+OK 3 octets\r\ncd\r\n.\r\n');
});

test('fired() lists the faults that fired, in order, each time one fires', async (t) => {
  const corrupt: Fault = { direction: DOWN, trigger: { onText: 'b' }, action: { kind: 'corrupt' }, once: false };
  const never: Fault = cut(DOWN, { onText: 'never' });
  const last = cut(DOWN, { onText: 'd' }, { connection: 2 });
  const lab = await startLab(t, { faults: [never, corrupt, last] });
  for (let i = 0; i < 2; i++) {
    const { client, server } = await lab.open();
    server.socket.end('abcdef');
    await client.waitForClose();
  }
  assert.deepEqual(lab.proxy.fired(), [corrupt, corrupt, last]);
});

test('stall without ms: nothing more is forwarded that way, while the other way still flows', async (t) => {
  const stall: Fault = { direction: DOWN, trigger: { onText: 'two' }, action: { kind: 'stall' } };
  const lab = await startLab(t, { faults: [stall] });
  const { client, server } = await lab.open();
  server.socket.write('one\r\n');
  await client.waitForText('one\r\n');
  server.socket.write('two\r\n');
  await proxyReceived(lab.proxy, 'two\r\n');
  // A round trip the other way: by the time it is done, anything forwarded to the client would have arrived.
  client.socket.write('PING\r\n');
  await server.waitForText('PING\r\n');
  assert.equal(client.text(), 'one\r\n');
  assert.equal(client.socket.destroyed, false, 'the stalled connection stays open');
});

test('stall with ms: bytes are held for that long, then flow again in order', async (t) => {
  const ms = 150;
  const stall: Fault = { direction: DOWN, trigger: { onText: 'two' }, action: { kind: 'stall', ms } };
  const lab = await startLab(t, { faults: [stall] });
  const { client, server } = await lab.open();
  server.socket.write('one\r\n');
  await client.waitForText('one\r\n');
  const stalledAt = performance.now();
  server.socket.write('two\r\n');
  await proxyReceived(lab.proxy, 'two\r\n');
  server.socket.write('three\r\n');
  await client.waitForText('three\r\n');
  assert.ok(performance.now() - stalledAt >= ms - 2, 'the stalled bytes waited for the stall to end');
  assert.equal(client.text(), 'one\r\ntwo\r\nthree\r\n');
});

test('corrupt flips exactly N bytes from the trigger point, across chunks', async (t) => {
  const corrupt: Fault = { direction: DOWN, trigger: { afterBytes: 4 }, action: { kind: 'corrupt', bytes: 4 } };
  const lab = await startLab(t, { faults: [corrupt] });
  const { client, server } = await lab.open();
  server.socket.write('abcdef');
  await client.waitForBytes(6);
  server.socket.write('ghijkl');
  await client.waitForBytes(12);
  const sent = Buffer.from('abcdefghijkl');
  const got = client.received();
  const changed = [...got].flatMap((byte, i) => (byte === sent[i] ? [] : [i]));
  assert.deepEqual(changed, [4, 5, 6, 7]);
  assert.equal(lab.proxy.serverSent()[0]?.toString(), 'abcdefghijkl', 'the recording keeps what the server sent');
});

test('corrupt on client text changes one byte by default; clientSent keeps the original', async (t) => {
  const corrupt: Fault = { direction: UP, trigger: { onText: 'PASS' }, action: { kind: 'corrupt' } };
  const lab = await startLab(t, { faults: [corrupt] });
  const { client, server } = await lab.open();
  client.socket.write('USER alice\r\nPASS secret\r\n');
  await server.waitForBytes(25);
  const got = server.received();
  const sent = Buffer.from('USER alice\r\nPASS secret\r\n');
  assert.deepEqual(
    [...got].flatMap((byte, i) => (byte === sent[i] ? [] : [i])),
    [12],
  );
  assert.deepEqual(lab.proxy.clientSent()[0], sent);
});

test('strips STARTTLS from an IMAP greeting split across chunks, * CAPABILITY and a tagged OK', async (t) => {
  const lab = await startLab(t, { stripCapabilities: ['starttls', 'LOGINDISABLED'] });
  const { client, server } = await lab.open();
  server.socket.write('* OK [CAPABILITY IMAP4rev1 STAR');
  await proxyReceived(lab.proxy, 'STAR');
  server.socket.write('TTLS AUTH=PLAIN] ready\r\n');
  await client.waitForText('ready\r\n');
  assert.equal(client.text(), '* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n');

  client.socket.write('A1 CAPABILITY\r\n');
  await server.waitForText('A1 CAPABILITY\r\n');
  server.socket.write('* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED AUTH=PLAIN\r\nA1 OK done\r\n');
  await client.waitForText('A1 OK done\r\n');
  assert.ok(client.text().endsWith('* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\nA1 OK done\r\n'), client.text());

  const body = 'Subject: x\r\n* CAPABILITY STARTTLS\r\n'; // a message that looks like a response, inside a literal
  server.socket.write(`* 1 FETCH (BODY[] {${body.length}}\r\n${body})\r\nA2 OK [CAPABILITY IMAP4rev1 STARTTLS] in\r\n`);
  await client.waitForText('] in\r\n');
  const expected = `{${body.length}}\r\n${body})\r\nA2 OK [CAPABILITY IMAP4rev1] in\r\n`;
  assert.ok(client.text().endsWith(expected), 'the literal passes untouched; the tagged OK is stripped');
  assert.match(lab.proxy.serverSent()[0]?.toString() ?? '', /^\* OK \[CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN\]/);
});

test('strips STARTTLS from a multi-line SMTP EHLO reply and keeps the continuation marks valid', async (t) => {
  const lab = await startLab(t, { stripCapabilities: ['STARTTLS'] });
  const { client, server } = await lab.open();
  server.socket.write('220 lab.test ESMTP\r\n');
  await client.waitForText('ESMTP\r\n');
  client.socket.write('EHLO me\r\n');
  await server.waitForText('EHLO me\r\n');
  server.socket.write('250-lab.test\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250 ST');
  await proxyReceived(lab.proxy, '250 ST');
  server.socket.write('ARTTLS\r\n');
  await client.waitForText('SIZE 1000\r\n');
  assert.equal(client.text(), '220 lab.test ESMTP\r\n250-lab.test\r\n250-PIPELINING\r\n250 SIZE 1000\r\n');

  client.socket.write('EHLO again\r\n');
  await server.waitForText('EHLO again\r\n');
  server.socket.write('250-lab.test\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n');
  await client.waitForText('LOGIN\r\n');
  assert.ok(client.text().endsWith('SIZE 1000\r\n250-lab.test\r\n250 AUTH PLAIN LOGIN\r\n'), client.text());
});

test('strips STLS from a POP3 CAPA list but leaves message bodies alone', async (t) => {
  const lab = await startLab(t, { stripCapabilities: ['stls'] });
  const { client, server } = await lab.open();
  server.socket.write('+OK ready\r\n');
  await client.waitForText('ready\r\n');
  client.socket.write('CAPA\r\n');
  await server.waitForText('CAPA\r\n');
  server.socket.write('+OK\r\nUSER\r\nSTLS\r\nUIDL\r\n.\r\n');
  await client.waitForText('UIDL\r\n.\r\n');
  assert.equal(client.text(), '+OK ready\r\n+OK\r\nUSER\r\nUIDL\r\n.\r\n');

  client.socket.write('RETR 1\r\n');
  await server.waitForText('RETR 1\r\n');
  server.socket.write('+OK 6 octets\r\nSTLS\r\n.\r\n');
  await client.waitForText('octets\r\nSTLS\r\n.\r\n');
});

const switches = [
  {
    protocol: 'IMAP',
    greeting: '* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n',
    command: 'A1 STARTTLS\r\n',
    answer: 'A1 OK Begin TLS\r\n',
  },
  { protocol: 'POP3', greeting: '+OK ready\r\n', command: 'STLS\r\n', answer: '+OK Begin TLS\r\n' },
  { protocol: 'SMTP', greeting: '220 lab.test ESMTP\r\n', command: 'STARTTLS\r\n', answer: '220 Go ahead\r\n' },
];
for (const { protocol, greeting, command, answer } of switches) {
  test(`${protocol}: once the server accepts STARTTLS, bytes pass at once, not held for a newline`, async (t) => {
    const lab = await startLab(t, { stripCapabilities: ['STARTTLS', 'STLS'] });
    const { client, server } = await lab.open();
    server.socket.write(greeting);
    await client.waitForBytes(1);
    client.socket.write(command);
    await server.waitForText(command);
    server.socket.write(answer);
    await client.waitForText(answer);
    const before = client.received().length;
    const serverHello = Buffer.from([0x16, 0x03, 0x03, 0x00, 0x02, 0x2a, 0x2a]); // no newline in it
    server.socket.write(serverHello);
    await client.waitForBytes(before + serverHello.length);
    assert.deepEqual(client.received().subarray(before), serverHello);
  });
}

test('once the client sends a TLS handshake record, nothing the server sends is rewritten', async (t) => {
  const lab = await startLab(t, { stripCapabilities: ['STARTTLS'] });
  const { client, server } = await lab.open();
  server.socket.write('* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n');
  await client.waitForText('ready\r\n');
  assert.equal(client.text(), '* OK [CAPABILITY IMAP4rev1] ready\r\n');
  const clientHello = Buffer.from([0x16, 0x03, 0x01, 0x00, 0x02, 0x01, 0x00]);
  client.socket.write(clientHello);
  await server.waitForBytes(clientHello.length);
  server.socket.write('* CAPABILITY IMAP4rev1 STARTTLS\r\n');
  await client.waitForText('STARTTLS\r\n');
  assert.ok(client.text().endsWith('] ready\r\n* CAPABILITY IMAP4rev1 STARTTLS\r\n'));
  assert.deepEqual(lab.proxy.clientSent()[0], clientHello);
});

test('a fault for connection 2 leaves connections 1 and 3 alone', async (t) => {
  const lab = await startLab(t, { faults: [cut(DOWN, { afterBytes: 0 }, { connection: 2 })] });
  const received: string[] = [];
  for (let i = 0; i < 3; i++) {
    const { client, server } = await lab.open();
    server.socket.end('* OK hello\r\n');
    await client.waitForClose();
    received.push(client.text());
  }
  assert.deepEqual(received, ['* OK hello\r\n', '', '* OK hello\r\n']);
  assert.equal(lab.proxy.connections(), 3);
  await lab.proxy.waitForClosed(3);
});

test('once (the default) fires on one connection only; once: false fires on each', async (t) => {
  for (const once of [undefined, false]) {
    const lab = await startLab(t, { faults: [cut(DOWN, { afterBytes: 3 }, once === undefined ? {} : { once })] });
    const received: string[] = [];
    for (let i = 0; i < 2; i++) {
      const { client, server } = await lab.open();
      server.socket.end('0123456789');
      await client.waitForClose();
      received.push(client.text());
    }
    assert.deepEqual(received, once === false ? ['012', '012'] : ['012', '0123456789'], `once: ${once}`);
  }
});

test('dropConnections cuts the connections open now, idle or not, and leaves later ones alone', async (t) => {
  const lab = await startLab(t);
  const first = await lab.open();
  const second = await lab.open();
  first.server.socket.write('* OK hello\r\n');
  await first.client.waitForText('hello\r\n');
  lab.proxy.dropConnections();
  await Promise.all([first.client, first.server, second.client, second.server].map((end) => end.waitForClose()));
  await lab.proxy.waitForClosed(2);
  const third = await lab.open();
  third.server.socket.write('* OK again\r\n');
  await third.client.waitForText('again\r\n');
  assert.equal(lab.proxy.connections(), 3);
});

test('setFaults replaces the faults for later bytes and connections', async (t) => {
  const lab = await startLab(t, { faults: [cut(DOWN, { onText: 'never' })] });
  const first = await lab.open();
  first.server.socket.end('abc\r\n');
  await first.client.waitForClose();
  lab.proxy.setFaults([cut(DOWN, { onText: 'c' })]);
  const second = await lab.open();
  second.server.socket.end('abc\r\n');
  await second.client.waitForClose();
  assert.deepEqual([first.client.text(), second.client.text()], ['abc\r\n', 'ab']);
  assert.throws(() => lab.proxy.setFaults([cut(UP, { afterBytes: -1 })]), /afterBytes/);
  assert.throws(() => lab.proxy.setFaults([cut(UP, { onText: 'x', nth: 0 })]), /nth/);
  assert.throws(() => lab.proxy.setFaults([cut(UP, { onText: 'x', thenBytes: 1.5 })]), /thenBytes/);
});

test('clientSent keeps one buffer per connection, in order, exactly as the client sent it', async (t) => {
  const lab = await startLab(t);
  for (const line of ['a1 LOGIN alice secret\r\n', 'USER bob\r\nPASS hunter2\r\n']) {
    const { client, server } = await lab.open();
    client.socket.write(line.slice(0, 7));
    await server.waitForBytes(7);
    client.socket.end(line.slice(7));
    await server.waitForClose();
  }
  await lab.proxy.waitForClosed(2);
  assert.deepEqual(
    lab.proxy.clientSent().map((bytes) => bytes.toString()),
    ['a1 LOGIN alice secret\r\n', 'USER bob\r\nPASS hunter2\r\n'],
  );
});

test('refuses a target that is not loopback', async () => {
  for (const host of ['10.0.0.1', '0.0.0.0', 'example.com', '::ffff:10.0.0.1', '192.168.1.1']) {
    await assert.rejects(startFaultProxy({ target: { host, port: 143 } }), /not loopback/, host);
  }
  for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) {
    const proxy = await startFaultProxy({ target: { host, port: 143 } });
    await proxy.close();
  }
});

test('a refused upstream connection closes the client side too', async () => {
  const spare = net.createServer();
  await new Promise<void>((resolve) => spare.listen(0, '127.0.0.1', resolve));
  const port = (spare.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => spare.close(() => resolve()));
  const proxy = await startFaultProxy({ target: { host: '127.0.0.1', port } });
  const client = await connect(proxy.port);
  await client.waitForClose();
  await proxy.waitForClosed(1);
  await proxy.close();
});

test('waitForClosed is bounded, and close() rejects a wait still pending', async () => {
  const peer = new Peer();
  const proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: await peer.listen() } });
  await assert.rejects(proxy.waitForClosed(1, 20), /0 of 1 connections closed within 20 ms/);
  const pending = proxy.waitForClosed(5);
  await proxy.close();
  await assert.rejects(pending, /closed/);
  await peer.close();
});

test('close() ends open connections, stall timers and the listener, leaving no handles behind', async () => {
  const before = liveHandles();
  const peer = new Peer();
  const port = await peer.listen();
  const stall: Fault = { direction: DOWN, trigger: { afterBytes: 0 }, action: { kind: 'stall', ms: 60_000 } };
  const proxy = await startFaultProxy({ target: { host: '127.0.0.1', port }, faults: [stall] });
  const client = await connect(proxy.port);
  const server = await peer.next();
  server.socket.write('* OK hello\r\n');
  await proxyReceived(proxy, 'hello\r\n');
  await proxy.close();
  await client.waitForClose();
  await peer.close();
  assert.deepEqual(liveHandles(), before);
});

/** Sockets, servers and timers alive in this process right now (the test runner's own are in `before`). */
function liveHandles(): string[] {
  const kinds = new Set(['TCPSocketWrap', 'TCPServerWrap', 'Timeout']);
  return process
    .getActiveResourcesInfo()
    .filter((kind) => kinds.has(kind))
    .sort();
}
