// The connection doctor's report in words: step names, the target, and the transcript as one copyable text.

import type { DoctorReport, DoctorStepName, DoctorTarget } from '../../../shared/setup';
import { PROTOCOL_LABELS, SECURITY_LABELS } from '../../../shared/security-classification';

export const DOCTOR_STEP_LABELS: Record<DoctorStepName, string> = {
  resolve: 'Look up the host name',
  connect: 'Connect',
  greeting: 'Greeting',
  capabilities: 'Capabilities',
  starttls: 'STARTTLS',
  tls: 'TLS handshake',
  login: 'Login',
};

export function describeTarget(target: DoctorTarget): string {
  return `${PROTOCOL_LABELS[target.protocol]} at ${target.host}, port ${target.port}, ${SECURITY_LABELS[target.security]}`;
}

/** Checked without a login when there is no password: what the person should know about that. */
export function loginNote(target: DoctorTarget, password: string | null): string | null {
  if (!target.username) return 'No username: the login step is skipped.';
  return password ? null : 'No password given: the login step is skipped.';
}

/** The transcript as a person pastes it into a support request: a header line, then every line as it was sent. */
export function transcriptText(report: DoctorReport): string {
  return [`Heron connection doctor: ${describeTarget(report.target)}`, ...report.transcript].join('\n');
}
