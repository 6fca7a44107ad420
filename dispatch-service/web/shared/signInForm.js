import { ApiError, el, signIn } from '/shared/api.js';
import { t } from '/shared/i18n.js';

/** The sign-in form of the worker app and the ops map; a refused password reads as such, any other failure as its own message. */
export function signInForm(onSignedIn) {
  const error = el('p', { className: 'error', role: 'alert' });
  const form = el(
    'form',
    {
      className: 'login',
      onsubmit: async (event) => {
        event.preventDefault();
        const data = new FormData(form);
        try {
          await signIn(String(data.get('username')), String(data.get('password')));
          await onSignedIn();
        } catch (e) {
          error.textContent = e instanceof ApiError && e.status === 401 ? t('badLogin') : e.message;
        }
      },
    },
    el('label', {}, t('username'), el('input', { name: 'username', autocomplete: 'username', required: true })),
    el('label', {}, t('password'), el('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
    el('button', { className: 'primary', type: 'submit' }, t('signIn')),
    error,
  );
  return form;
}
