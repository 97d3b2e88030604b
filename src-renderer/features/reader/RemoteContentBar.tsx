// The bar over a message with remote content: blocked by default, shown once or always for one real sender address.

interface Props {
  /** Remote references in the message. */
  remote: number;
  shownOnce: boolean;
  senderAllowed: boolean;
  /** The real (addr-spec) sender, lower-cased; null when there is none to trust (or DMARC failed). */
  senderAddress: string | null;
  onShowOnce: () => void;
  onAllowSender: (address: string) => void;
  onForgetSender: (address: string) => void;
}

export function RemoteContentBar({ remote, shownOnce, senderAllowed, senderAddress, onShowOnce, onAllowSender, onForgetSender }: Props) {
  if (remote === 0) return null;
  if (senderAllowed && senderAddress) {
    return (
      <div className="remote-bar" role="region" aria-label="Remote content">
        <span>Remote content is shown for messages from {senderAddress}.</span>
        <button type="button" onClick={() => onForgetSender(senderAddress)}>
          Stop showing for this sender
        </button>
      </div>
    );
  }
  if (shownOnce) return null;
  return (
    <div className="remote-bar" role="region" aria-label="Remote content">
      <span>
        <strong>Remote content blocked</strong> <span className="hint">Pictures from the internet can tell the sender when and where you read this.</span>
      </span>
      <button type="button" onClick={onShowOnce}>
        Show for this message
      </button>
      {senderAddress && (
        <button type="button" onClick={() => onAllowSender(senderAddress)} title={`Always load remote content in messages from ${senderAddress}`}>
          Always show for this sender
        </button>
      )}
    </div>
  );
}
