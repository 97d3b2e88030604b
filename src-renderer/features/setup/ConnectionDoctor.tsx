// The connection doctor on one server: runs it on request and shows every step, the TLS details and the redacted transcript.

import { useRef, useState } from 'react';
import type { EngineApi } from '../../../shared/contract';
import { toHeronError, type HeronError } from '../../../shared/errors';
import type { DoctorReport, DoctorTarget, TlsInfo } from '../../../shared/setup';
import { ErrorNote } from '../accounts/ErrorNote';
import { CertificateFields } from './CertificateFields';
import { DOCTOR_STEP_LABELS, describeTarget, loginNote, transcriptText } from './doctor-report';
import './setup.css';

interface Props {
  engine: EngineApi;
  target: DoctorTarget;
  /** With a password the doctor also logs in; without one it stops before the login. */
  password: string | null;
  pinnedFingerprint256: string | null;
  /** Which server, e.g. "incoming server": names the button and the report. */
  label: string;
}

type DoctorState = { status: 'idle' } | { status: 'running' } | { status: 'done'; report: DoctorReport } | { status: 'failed'; error: HeronError };

function TlsDetails({ tls }: { tls: TlsInfo }) {
  return (
    <dl className="doctor-tls" aria-label="TLS details">
      <dt>TLS</dt>
      <dd>
        {tls.version}, {tls.cipher}
      </dd>
      <dt>Certificate</dt>
      <dd>{tls.authorized ? 'Trusted' : `Not trusted${tls.authorizationError ? ` (${tls.authorizationError})` : ''}`}</dd>
      <dt>Names this host</dt>
      <dd>{tls.hostMatches ? 'Yes' : 'No'}</dd>
      <CertificateFields certificate={tls} />
    </dl>
  );
}

function Transcript({ report }: { report: DoctorReport }) {
  const pre = useRef<HTMLPreElement>(null);
  const [copied, setCopied] = useState('');
  const text = transcriptText(report);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('Copied.');
    } catch {
      // The desktop shell refuses clipboard permission to pages; selecting the text leaves the copy to the keyboard.
      const selection = window.getSelection();
      if (pre.current && selection) {
        const range = document.createRange();
        range.selectNodeContents(pre.current);
        selection.removeAllRanges();
        selection.addRange(range);
      }
      setCopied('Selected: press Ctrl+C (⌘C on a Mac) to copy.');
    }
  };
  return (
    <details className="doctor-transcript">
      <summary>Protocol transcript ({report.transcript.length} lines, passwords removed)</summary>
      <pre ref={pre} tabIndex={0} aria-label="Protocol transcript">
        {text}
      </pre>
      <div className="actions">
        <p className="saved" role="status">
          {copied}
        </p>
        <button type="button" onClick={() => void copy()}>
          Copy transcript
        </button>
      </div>
    </details>
  );
}

function Report({ report, password }: { report: DoctorReport; password: string | null }) {
  const note = loginNote(report.target, password);
  return (
    <>
      <p className={report.ok ? 'doctor-verdict ok' : 'doctor-verdict failed'}>
        {describeTarget(report.target)}: {report.ok ? `every check passed. ${report.encrypted ? 'The connection is encrypted.' : 'The connection is NOT encrypted.'}` : (report.error?.message ?? 'a check failed.')}
      </p>
      {note && <p className="hint">{note}</p>}
      <ol className="doctor-steps" aria-label="Doctor steps">
        {report.steps.map((step, index) => (
          <li key={index} className={step.ok ? 'ok' : 'failed'}>
            <span className="mark" aria-hidden="true">
              {step.ok ? '✓' : '✗'}
            </span>
            <span className="visually-hidden">{step.ok ? 'Passed' : 'Failed'}: </span>
            <strong>{DOCTOR_STEP_LABELS[step.name]}</strong> {step.summary} <span className="ms">{Math.round(step.ms)} ms</span>
            {step.advice && <p className="advice">{step.advice}</p>}
          </li>
        ))}
      </ol>
      {report.capabilities.length > 0 && (
        <p className="doctor-capabilities">
          <strong>Capabilities:</strong> {report.capabilities.join(' ')}
          {report.authMechanisms.length > 0 && (
            <>
              <br />
              <strong>Login methods:</strong> {report.authMechanisms.join(' ')}
            </>
          )}
        </p>
      )}
      {report.tls && <TlsDetails tls={report.tls} />}
      <Transcript report={report} />
    </>
  );
}

export function ConnectionDoctor({ engine, target, password, pinnedFingerprint256, label }: Props) {
  const [state, setState] = useState<DoctorState>({ status: 'idle' });
  const run = async () => {
    setState({ status: 'running' });
    try {
      setState({ status: 'done', report: await engine.diagnose(target, password, pinnedFingerprint256) });
    } catch (failure) {
      setState({ status: 'failed', error: toHeronError(failure) });
    }
  };
  const action = state.status === 'done' || state.status === 'failed' ? 'Run connection doctor again' : 'Run connection doctor';
  return (
    <section className="doctor" aria-label={`Connection doctor for the ${label}`}>
      <button type="button" disabled={state.status === 'running'} aria-label={`${action} for the ${label}`} onClick={() => void run()}>
        {action}
      </button>
      <p className="visually-hidden" role="status">
        {state.status === 'running' ? 'The connection doctor is checking…' : state.status === 'done' ? 'The connection doctor has finished.' : ''}
      </p>
      {state.status === 'running' && <p className="hint">Checking {describeTarget(target)}, step by step…</p>}
      {state.status === 'failed' && <ErrorNote error={state.error} />}
      {state.status === 'done' && <Report report={state.report} password={password} />}
    </section>
  );
}
