// Fetches one small document over HTTPS only: certificate verified, never a redirect to http, a size cap, stops on abort.

import https from 'node:https';
import net from 'node:net';
import { certificateProblem } from './certificate-problem';
import { dnsProblem, type HostAddresses } from './dns';
import { stopReason } from './log';

export interface HttpsGetOptions {
  hosts: HostAddresses;
  /** For URLs without a port (443 outside tests). */
  port: number;
  ca: string[] | undefined;
  signal: AbortSignal;
  maxBytes: number;
  maxRedirects: number;
}

/** 'absent': there is nothing at that address (no host, 404, refused). 'failed': something is wrong there. */
export class FetchFailure extends Error {
  constructor(
    message: string,
    readonly kind: 'absent' | 'failed',
  ) {
    super(message);
    this.name = 'FetchFailure';
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

type Response = { body: string } | { location: string };

function requestFailure(error: unknown, signal: AbortSignal): FetchFailure {
  if (error instanceof FetchFailure) return error;
  if (signal.aborted) return new FetchFailure(stopReason(signal), 'failed');
  const code = (error as { code?: unknown } | null)?.code;
  const problem = certificateProblem(typeof code === 'string' ? code : undefined);
  if (problem) return new FetchFailure(`the certificate is not trusted: ${problem}`, 'failed');
  if (code === 'ECONNREFUSED') return new FetchFailure('connection refused', 'absent');
  return new FetchFailure(error instanceof Error ? error.message : String(error), 'failed');
}

function getOnce(url: URL, address: string, options: HttpsGetOptions): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const fail = (error: unknown): void => reject(requestFailure(error, options.signal));
    const request = https.request({
      host: address,
      port: url.port === '' ? options.port : Number(url.port),
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      // Connect to the address found through discovery's resolver, but present and verify the name.
      ...(net.isIP(url.hostname) ? {} : { servername: url.hostname }),
      headers: { host: url.host, accept: 'application/xml, text/xml;q=0.9, */*;q=0.1' },
      ca: options.ca,
      agent: false,
      signal: options.signal,
    });
    request.on('error', fail);
    request.on('response', (response) => {
      response.on('error', fail);
      const status = response.statusCode ?? 0;
      if (REDIRECTS.has(status)) {
        response.resume();
        const location = response.headers.location;
        if (location) resolve({ location });
        else reject(new FetchFailure(`HTTP ${status} without a Location`, 'failed'));
        return;
      }
      if (status !== 200) {
        response.resume();
        reject(new FetchFailure(`HTTP ${status}`, status === 404 || status === 410 ? 'absent' : 'failed'));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) {
          request.destroy();
          reject(new FetchFailure(`larger than ${options.maxBytes} bytes, which no autoconfig file is`, 'failed'));
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => resolve({ body: Buffer.concat(chunks).toString('utf8') }));
      response.on('close', () => reject(new FetchFailure('the connection closed before the whole file arrived', 'failed')));
    });
    request.end();
  });
}

/** The body, and the URLs redirected to on the way; only https URLs are ever requested. */
export async function httpsGet(start: URL, options: HttpsGetOptions): Promise<{ body: string; redirects: string[] }> {
  const redirects: string[] = [];
  for (let url = start; ; ) {
    // Over plain http anyone on the way could swap in their own server names and collect the password later.
    if (url.protocol !== 'https:') throw new FetchFailure(`refused to follow a redirect to ${url.href}: settings are only taken over HTTPS`, 'failed');
    const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    let address: string | null;
    try {
      address = await options.hosts.of(hostname);
    } catch (error) {
      throw new FetchFailure(`${hostname}: ${dnsProblem(error)}`, 'failed');
    }
    if (address === null) throw new FetchFailure(`${hostname} has no address`, 'absent');
    const response = await getOnce(url, address, options);
    if ('body' in response) return { body: response.body, redirects };
    if (redirects.length >= options.maxRedirects) throw new FetchFailure(`more than ${options.maxRedirects} redirects`, 'failed');
    url = new URL(response.location, url);
    redirects.push(url.href);
  }
}
