// The doctor's report as text for a terminal: each step with ✓/✗ and advice, the TLS details, an unencrypted warning.

import type { DoctorReport, TlsInfo } from '../../shared/setup';
import { protocolName, SECURITY_NAMES } from './advice';
import { PASSWORD_ENV } from './cli-password';

export interface PrintOptions {
  transcript: boolean;
  /** A username was given but no password could be had, so the login was not tried. */
  loginSkipped: boolean;
}

const STEP_WIDTH = 14;
const indent = ' '.repeat(4 + STEP_WIDTH);

function tlsLines(tls: TlsInfo): string[] {
  const row = (label: string, value: string) => `  ${label.padEnd(STEP_WIDTH)}${value}`;
  return [
    'TLS',
    row('version', tls.version),
    row('cipher', tls.cipher),
    row('certificate', tls.subject),
    row('issued by', tls.issuer),
    row('valid', `${tls.validFrom.slice(0, 10)} to ${tls.validTo.slice(0, 10)}`),
    row('SHA-256', tls.fingerprint256),
    row('chain', tls.authorized ? 'verified' : `not verified (${tls.authorizationError ?? 'untrusted'})`),
    row('host name', tls.hostMatches ? 'matches the certificate' : 'not on the certificate'),
  ];
}

export function formatReport(report: DoctorReport, options: PrintOptions): string {
  const { target } = report;
  const out = [`Heron connection doctor: ${protocolName(target.protocol)} on ${target.host} port ${target.port}, security ${SECURITY_NAMES[target.security]}`, ''];
  for (const step of report.steps) {
    out.push(`  ${step.ok ? '✓' : '✗'} ${step.name.padEnd(STEP_WIDTH)}${step.summary}`);
    if (step.advice) out.push(`${indent}→ ${step.advice}`);
  }
  if (options.loginSkipped && report.ok) out.push(`  - login         not checked: set ${PASSWORD_ENV}, or run in a terminal to be asked for the password`);
  if (report.tls) out.push('', ...tlsLines(report.tls));
  if (report.capabilities.length) out.push('', `Capabilities: ${report.capabilities.join(' ')}`);
  if (report.authMechanisms.length) out.push(`Login methods: ${report.authMechanisms.join(' ')}`);
  // Only the person's choice of None leads to plaintext; with TLS or STARTTLS the doctor stops before that instead.
  if (target.security === 'none') {
    out.push('', '⚠ Unencrypted: with security None your password and mail travel in plain text, readable by anyone on the network path.');
  }
  out.push('', report.ok ? '✓ All checks passed.' : `✗ ${report.error?.message ?? 'The check failed.'}`);
  if (options.transcript) out.push('', 'Transcript (passwords replaced by <redacted>):', ...report.transcript.map((line) => `  ${line}`));
  return `${out.join('\n')}\n`;
}
