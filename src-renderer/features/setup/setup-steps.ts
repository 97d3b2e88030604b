// The wizard's steps and which one comes next: account -> discovering -> results -> verify, with "Configure manually" from anywhere.

export type SetupStep =
  /** Name, address and password. */
  | 'account'
  /** Discovery is running; its log follows. */
  | 'discovering'
  /** What discovery found (or that it found nothing), with its log. */
  | 'results'
  /** Every server setting by hand. */
  | 'manual'
  /** Really connecting with the chosen settings, then saving. */
  | 'verify';

export type SetupEvent = 'find' | 'discovered' | 'configure-manually' | 'check' | 'back';

export interface SetupProgress {
  step: SetupStep;
  /** Where "Back" leads, most recent last. */
  trail: readonly SetupStep[];
}

export const FIRST_STEP: SetupProgress = { step: 'account', trail: [] };

/** Steps that only last while the engine works: "Back" never returns to one of them. */
const PASSING: ReadonlySet<SetupStep> = new Set(['discovering', 'verify']);

function goTo(progress: SetupProgress, step: SetupStep): SetupProgress {
  const trail = PASSING.has(progress.step) ? [...progress.trail] : [...progress.trail, progress.step];
  // Going to a step already on the trail (manual -> verify -> manual) goes back to it rather than looping.
  const earlier = trail.indexOf(step);
  return { step, trail: earlier < 0 ? trail : trail.slice(0, earlier) };
}

/** The step after `event`; an event that makes no sense where the wizard is changes nothing. */
export function advance(progress: SetupProgress, event: SetupEvent): SetupProgress {
  const { step, trail } = progress;
  switch (event) {
    case 'find':
      return step === 'account' ? goTo(progress, 'discovering') : progress;
    case 'discovered':
      return step === 'discovering' ? goTo(progress, 'results') : progress;
    case 'configure-manually':
      return step === 'manual' ? progress : goTo(progress, 'manual');
    case 'check':
      return step === 'results' || step === 'manual' ? goTo(progress, 'verify') : progress;
    case 'back': {
      const previous = trail[trail.length - 1];
      return previous === undefined ? progress : { step: previous, trail: trail.slice(0, -1) };
    }
  }
}
