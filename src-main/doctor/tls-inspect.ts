// What the doctor learns from a TLS handshake: version, cipher, the certificate, and whether Heron would trust it.

import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import type { CertificateDetail } from '../../shared/errors';
import type { TlsInfo } from '../../shared/setup';
import { fingerprintOf, normalizeFingerprint } from '../engine/certificate';

/**
 * Handshake options for looking before trusting: the doctor accepts any certificate at first so it can show it,
 * then decides (inspectTls) before a single credential is sent. Same floor as the engine: TLS 1.2.
 * `ca` adds a private CA (the CLI's --ca) to the system roots instead of replacing them.
 */
export function doctorTlsOptions(host: string, ca: string | null): tls.ConnectionOptions {
  const options: tls.ConnectionOptions = { rejectUnauthorized: false, minVersion: 'TLSv1.2' };
  if (!net.isIP(host)) options.servername = host;
  if (ca) options.ca = [...tls.rootCertificates, ca];
  return options;
}

export interface TlsVerdict {
  info: TlsInfo;
  /** Heron would continue on this connection: the pinned certificate, or a verified chain naming the host. */
  trusted: boolean;
  /** For an untrusted certificate, what the person needs to judge it. */
  certificate: CertificateDetail | null;
}

export function inspectTls(secure: tls.TLSSocket, host: string, pinnedFingerprint256: string | null): TlsVerdict {
  const peer = secure.getPeerCertificate(true);
  const cipher = secure.getCipher();
  const x509 = peer?.raw ? new X509Certificate(peer.raw) : null;
  const fingerprint256 = peer?.raw ? fingerprintOf(peer.raw) : '';
  const hostMatches = Boolean(peer?.raw) && tls.checkServerIdentity(host, peer) === undefined;
  const pinMatches = pinnedFingerprint256 !== null && fingerprint256 === normalizeFingerprint(pinnedFingerprint256);
  // A pin is the only trust anchor for that account (as in certificate.ts): the system roots no longer decide.
  const authorized = pinnedFingerprint256 !== null ? pinMatches : secure.authorized;
  const trusted = pinnedFingerprint256 !== null ? pinMatches : authorized && hostMatches;
  const reason = untrustedReason(secure, pinnedFingerprint256, pinMatches, hostMatches);
  const info: TlsInfo = {
    version: secure.getProtocol() ?? 'unknown',
    cipher: cipher?.standardName ?? cipher?.name ?? 'unknown',
    authorized,
    subject: x509 ? x509.subject.replace(/\n/g, ', ') : '',
    issuer: x509 ? x509.issuer.replace(/\n/g, ', ') : '',
    validFrom: x509 ? new Date(x509.validFrom).toISOString() : '',
    validTo: x509 ? new Date(x509.validTo).toISOString() : '',
    fingerprint256,
    hostMatches,
  };
  if (reason && !authorized) info.authorizationError = reason;
  const certificate: CertificateDetail | null = trusted
    ? null
    : {
        host,
        reason: reason ?? 'not trusted',
        subject: info.subject,
        issuer: info.issuer,
        validFrom: info.validFrom,
        validTo: info.validTo,
        fingerprint256,
        altNames: x509?.subjectAltName ?? '',
      };
  return { info, trusted, certificate };
}

function untrustedReason(secure: tls.TLSSocket, pin: string | null, pinMatches: boolean, hostMatches: boolean): string | null {
  if (pin !== null) return pinMatches ? null : 'ERR_HERON_PIN_MISMATCH';
  if (!secure.authorized) return String(secure.authorizationError ?? 'not trusted');
  return hostMatches ? null : 'HOSTNAME_MISMATCH';
}
