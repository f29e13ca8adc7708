// Settings: time zone (every statistic follows it), the mails auth-service sends, and account deletion with an
// explicit confirmation.
import { api, auth, forget } from '../api.js';
import { leave, say } from '../app.js';
import { dateTime, h, notice } from '../ui.js';

// Browsers list some zones under their old ICU names; the server (PostgreSQL) knows both, people know the new ones.
const RENAMED = {
  'Asia/Calcutta': 'Asia/Kolkata', 'Asia/Katmandu': 'Asia/Kathmandu', 'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Asia/Rangoon': 'Asia/Yangon', 'Europe/Kiev': 'Europe/Kyiv', 'Atlantic/Faeroe': 'Atlantic/Faroe',
  'America/Godthab': 'America/Nuuk', 'Pacific/Truk': 'Pacific/Chuuk', 'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Enderbury': 'Pacific/Kanton', 'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
};
const modern = (zone) => RENAMED[zone] || zone;

// What each category of mail in /api/v1/account/mail is, for its switch. The API says which are on (each category
// has its default there: the monthly summary is off until turned on).
const MAIL_CATEGORIES = {
  REAUTH: 'Remind me before my Spotify connection runs out (30, 7 and 1 days before), and tell me when it did',
  IMPORTS: 'Tell me when an import of my listening history is done, or why it failed',
  MONTHLY_SUMMARY: 'Send me a summary of my listening after each month: plays, listening time, top artists and tracks',
};

function zones(current) {
  let list = [];
  try { list = Intl.supportedValuesOf('timeZone'); } catch (e) { list = []; }
  const set = new Set(list.map(modern));
  for (const z of [current, 'UTC', modern(Intl.DateTimeFormat().resolvedOptions().timeZone)]) if (z) set.add(z);
  return [...set].sort();
}

export async function render(view, { session }) {
  document.title = 'Settings · Audiospective';
  view.append(h('h1', {}, 'Settings'));
  const [me, account, mail] = await Promise.all([api('/api/v1/me'), auth('/api/v1/account').catch(() => null),
    auth('/api/v1/account/mail').catch(() => null)]);

  const browserZone = modern(Intl.DateTimeFormat().resolvedOptions().timeZone);
  const select = h('select', { id: 'time-zone', name: 'timeZone' },
    zones(me.timeZone).map((z) => h('option', { value: z, selected: z === me.timeZone }, z)));
  const zoneStatus = h('div', { role: 'status', 'aria-live': 'polite', id: 'zone-status' });
  const save = h('button', { type: 'submit' }, 'Save time zone');
  const zoneForm = h('form', { class: 'card', id: 'zone-form' }, h('h2', {}, 'Time zone'),
    h('p', {}, 'Days, hours and weeks in every statistic are counted in this zone.'),
    h('div', { class: 'controls' }, h('div', { class: 'field' }, h('label', { for: 'time-zone' }, 'Time zone'), select), save),
    browserZone && browserZone !== me.timeZone ? h('p', { class: 'sub' }, `This browser is in ${browserZone}.`) : null,
    zoneStatus);
  zoneForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    save.disabled = true;
    zoneStatus.textContent = 'Saving…';
    try {
      const updated = await api('/api/v1/me/time-zone', {
        method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ timeZone: select.value }),
      });
      zoneStatus.replaceChildren(notice(`Saved: your statistics now use ${updated.timeZone}.`));
    } catch (err) {
      zoneStatus.replaceChildren(notice(err.message, 'bad'));
    } finally {
      save.disabled = false;
    }
  });

  // one switch per category the API lists, as the API says it is, labelled here; a category unknown here shows its
  // name. Without the API's answer there is nothing to show or save.
  const names = mail ? Object.keys(mail.categories) : [];
  const switches = names.map((name) => h('input', {
    type: 'checkbox', id: `mail-${name.toLowerCase().replaceAll('_', '-')}`, name, checked: mail.categories[name],
  }));
  const mailStatus = h('div', { role: 'status', 'aria-live': 'polite', id: 'mail-status' });
  const saveMail = h('button', { type: 'submit' }, 'Save mail settings');
  const mailForm = h('form', { class: 'card', id: 'mail-form' }, h('h2', {}, 'Mails'),
    h('p', {}, !mail ? 'Your mail settings could not be loaded: reload the page to try again.'
      : mail.address ? `Mails go to ${mail.address}, the address Spotify has for you.`
        : 'Spotify gave us no address for you: sign in again to send one.'),
    ...switches.map((box) => h('p', {}, h('label', { for: box.id }, box, ` ${MAIL_CATEGORIES[box.name] || box.name}`))),
    mail ? h('p', {}, saveMail) : null, mailStatus);
  mailForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    saveMail.disabled = true;
    mailStatus.textContent = 'Saving…';
    try {
      await auth('/api/v1/account/mail', {
        method: 'PUT', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ categories: Object.fromEntries(switches.map((box) => [box.name, box.checked])) }),
      });
      const on = switches.filter((box) => box.checked).length;
      mailStatus.replaceChildren(notice(on === 0 ? 'Saved: no more mails.'
        : `Saved: ${on} of ${switches.length} kinds of mail are on.`));
    } catch (err) {
      mailStatus.replaceChildren(notice(err.message, 'bad'));
    } finally {
      saveMail.disabled = false;
    }
  });

  const confirmInput = h('input', { type: 'text', id: 'delete-confirm', autocomplete: 'off', 'aria-describedby': 'delete-help' });
  const del = h('button', { type: 'submit', class: 'danger', id: 'delete-account', disabled: true }, 'Delete my account for good');
  const deleteStatus = h('div', { role: 'status', 'aria-live': 'polite' });
  confirmInput.addEventListener('input', () => { del.disabled = confirmInput.value.trim() !== 'DELETE'; });
  const deleteForm = h('form', { class: 'card', id: 'delete-form' }, h('h2', {}, 'Delete your account'),
    h('p', {}, 'This deletes your archive, your statistics and the Spotify access you gave us, in every service. '
      + 'It cannot be undone; export your history first if you want to keep it.'),
    h('div', { class: 'field' }, h('label', { for: 'delete-confirm' }, 'Type DELETE to confirm'), confirmInput),
    h('p', { id: 'delete-help', class: 'sub' }, 'The button becomes available once you typed DELETE.'),
    h('p', {}, del), deleteStatus);
  deleteForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (confirmInput.value.trim() !== 'DELETE') return;
    del.disabled = true;
    deleteStatus.textContent = 'Deleting…';
    try {
      await auth('/api/v1/account', { method: 'DELETE' });
      say('Your account was deleted. Everything we kept about you is being removed.');
      leave();
      forget();
      location.hash = '#/';
    } catch (err) {
      deleteStatus.replaceChildren(notice(err.message, 'bad'));
      del.disabled = false;
    }
  });

  view.append(h('section', { class: 'card' }, h('h2', {}, 'Account'),
    h('dl', {}, h('dt', { class: 'sub' }, 'Spotify user'), h('dd', { id: 'account-user' }, session.userId),
      account ? [h('dt', { class: 'sub' }, 'Member since'), h('dd', {}, dateTime(account.memberSince)),
        h('dt', { class: 'sub' }, 'Membership'), h('dd', {}, account.status)] : null)),
  zoneForm, mailForm, deleteForm);
}
