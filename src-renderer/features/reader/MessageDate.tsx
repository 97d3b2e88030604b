// A message date as the reader shows it; a header without a usable date shows nothing rather than breaking the pane.

export function MessageDate({ date }: { date: number }) {
  const value = new Date(date);
  if (!Number.isFinite(date) || Number.isNaN(value.getTime())) return null;
  return <time dateTime={value.toISOString()}>{value.toLocaleString()}</time>;
}
