// An operator action on one thing (a saga, an account, an invoice…): a button that asks for the reason first, then
// shows what the API answered — the 2xx result, or the refusal's reason (a 409 problem's detail) — in place.
import { ApiError } from './api.js';
import { el, messageOf } from './dom.js';

export interface ReasonAction<T> {
  /** Names the action in data-action (the API's word: suspend, refund, terminate…). */
  action: string;
  label: string;
  /** What the reason field asks. */
  prompt: string;
  /** A choice the API wants besides the operator's words (an account's suspension reason), first option preset. */
  choice?: { label: string; options: readonly string[] };
  send(reason: string, choice: string): Promise<T>;
  /** The line shown when the API accepted it. */
  done(result: T): string;
  /** After the result is shown, e.g. reloading the row or the page. */
  after?(result: T): Promise<void> | void;
  disabled?: boolean;
  /** Why the button is disabled, as its tooltip. */
  title?: string;
}

/** A refusal as the operator reads it: the problem's detail (or title) after the status, and the code as data. */
export function outcomeOf(error: unknown): { outcome: 'refused' | 'failed'; message: string; code: string } {
  if (error instanceof ApiError) {
    const code = typeof error.problem?.code === 'string' ? error.problem.code : '';
    const refused = error.status === 409;
    return {
      outcome: refused ? 'refused' : 'failed',
      message: `${refused ? 'Refused' : 'Failed'} (${error.status}): ${error.message}`,
      code,
    };
  }
  return { outcome: 'failed', message: messageOf(error), code: '' };
}

/**
 * The control: [label] opens a form asking for the reason; its result (data-outcome applied, refused or failed)
 * replaces the form. data-testid: reason-action (data-action), action-open, action-reason, action-confirm,
 * action-result.
 */
export function reasonAction<T>(spec: ReasonAction<T>): HTMLElement {
  const result = el('span', { class: 'status', 'data-testid': 'action-result', hidden: true });
  const reason = el('input', {
    name: 'reason',
    required: true,
    minlength: 3,
    maxlength: 500,
    placeholder: spec.prompt,
    'aria-label': spec.prompt,
    'data-testid': 'action-reason',
  });
  const choice = spec.choice
    ? el(
        'select',
        { name: 'choice', 'aria-label': spec.choice.label, 'data-testid': 'action-choice' },
        spec.choice.options.map((option) => el('option', { value: option }, option)),
      )
    : null;
  const submit = el('button', { type: 'submit', 'data-testid': 'action-confirm' }, spec.label);
  const form = el(
    'form',
    { class: 'redrive-form', hidden: true, 'data-testid': 'action-form' },
    choice,
    reason,
    submit,
    el('button', { type: 'button', class: 'secondary', onclick: () => (form.hidden = true) }, 'Cancel'),
  );
  const open = el(
    'button',
    {
      type: 'button',
      'data-testid': 'action-open',
      disabled: spec.disabled === true,
      title: spec.title,
      onclick: (event) => {
        event.stopPropagation();
        form.hidden = false;
        result.hidden = true;
        reason.focus();
      },
    },
    spec.label,
  );
  form.addEventListener('click', (event) => event.stopPropagation());
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      submit.disabled = true;
      let accepted: { value: T } | null = null;
      try {
        accepted = { value: await spec.send(reason.value.trim(), choice?.value ?? '') };
        form.hidden = true;
        reason.value = '';
        result.className = 'status';
        result.dataset.outcome = 'applied';
        delete result.dataset.code;
        result.textContent = spec.done(accepted.value);
      } catch (error) {
        const refusal = outcomeOf(error);
        result.className = 'error';
        result.dataset.outcome = refusal.outcome;
        result.dataset.code = refusal.code;
        result.textContent = refusal.message;
      } finally {
        submit.disabled = false;
        result.hidden = false;
      }
      if (accepted && spec.after) {
        await spec.after(accepted.value);
      }
    })();
  });
  return el(
    'div',
    { class: 'redrive', 'data-testid': 'reason-action', 'data-action': spec.action },
    open,
    form,
    result,
  );
}
