// The dashboard shell: signs in from the URL fragment, routes #/<page>?<params> to a page module loaded on
// demand, marks the current page in the navigation, and moves focus to the new page's heading.
import {
  auth, authUrl, forget, loadConfig, onSessionChange, restoreSession, session, startSignIn, takeRefusedSignIn,
} from './api.js';
import { h, notice } from './ui.js';

const PAGES = {
  '': () => import('./pages/home.js'),
  history: () => import('./pages/history.js'),
  top: () => import('./pages/top.js'),
  clock: () => import('./pages/clock.js'),
  timeline: () => import('./pages/timeline.js'),
  year: () => import('./pages/year.js'),
  archive: () => import('./pages/archive.js'),
  data: () => import('./pages/data.js'),
  settings: () => import('./pages/settings.js'),
  admin: () => import('./pages/admin.js'),
  // an item's own page: #/track/<id>, #/artist/<id>, #/album/<id>
  track: () => import('./pages/item.js'),
  artist: () => import('./pages/item.js'),
  album: () => import('./pages/item.js'),
};

const main = document.getElementById('main');
const banner = document.getElementById('banner');
let cleanup = null;
let renderCount = 0;
let notes = [];
let leaving = false; // signing out or deleting on purpose: no "session ended" warning

/** A message shown above the next page (e.g. after sign-out or deletion). */
/** The member is leaving on purpose (sign-out, deletion): the end of the session is no surprise. */
export function leave() {
  leaving = true;
}

export function say(text, kind = '') {
  notes.push([text, kind]);
}

function parseRoute() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, search] = raw.split('?');
  return { page: path.split('/')[0], rest: path.split('/').slice(1), params: new URLSearchParams(search || '') };
}

/** Goes to a route of this page with new parameters (keeps history, so Back works). */
export function navigate(page, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  location.hash = `#/${page}${s ? `?${s}` : ''}`;
}

function updateChrome() {
  const s = session();
  document.getElementById('nav').hidden = !s;
  document.getElementById('who').hidden = !s;
  document.getElementById('nav-admin').hidden = !(s && s.admin);
  document.getElementById('who-name').textContent = s ? s.userId : '';
  const { page } = parseRoute();
  for (const a of document.querySelectorAll('#nav a')) {
    const target = a.getAttribute('href').replace(/^#\/?/, '').split('?')[0];
    if (target === page) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function signInPage() {
  document.title = 'Sign in · Audiospective';
  return h('section', { class: 'card', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'Your Spotify listening, kept forever'),
    h('p', {}, 'Spotify only remembers your last 50 plays. Audiospective archives every play from the moment you '
      + 'sign in, imports the history files you download from Spotify, and shows what your listening says.'),
    h('p', {}, h('a', { class: 'button', href: `${authUrl()}/login`, id: 'sign-in', onclick: startSignIn },
      'Sign in with Spotify')),
    h('p', { class: 'sub' }, 'When all founding-member seats are taken, you can join the waitlist instead.'));
}

async function render() {
  const count = ++renderCount;
  if (cleanup) { try { cleanup(); } catch (e) { /* page already gone */ } cleanup = null; }
  updateChrome();
  banner.replaceChildren(...notes.map(([text, kind]) => notice(text, kind)));
  notes = [];
  main.setAttribute('aria-busy', 'true');
  const { page, rest, params } = parseRoute();
  if (!session()) {
    await loadConfig();
    if (count !== renderCount) return;
    main.replaceChildren(signInPage());
    main.setAttribute('aria-busy', 'false');
    return;
  }
  const load = PAGES[page];
  if (!load) {
    main.replaceChildren(h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '#/' }, 'Back home')));
    main.setAttribute('aria-busy', 'false');
    return;
  }
  try {
    const module = await load();
    if (count !== renderCount) return;
    const view = h('div', { 'data-page': page || 'home' });
    main.replaceChildren(view);
    const result = await module.render(view, {
      page, params, rest, session: session(), isCurrent: () => count === renderCount,
    });
    if (count !== renderCount) { if (typeof result === 'function') result(); return; }
    cleanup = typeof result === 'function' ? result : null;
  } catch (e) {
    if (count !== renderCount) return;
    if (!session()) { render(); return; }
    main.replaceChildren(h('h1', {}, 'Something went wrong'), notice(e.message || String(e), 'bad'));
  } finally {
    if (count === renderCount) {
      main.setAttribute('aria-busy', 'false');
      const heading = main.querySelector('h1');
      if (heading && document.activeElement !== document.body && !main.contains(document.activeElement)) {
        heading.tabIndex = -1;
        heading.focus({ preventScroll: true });
      }
    }
  }
}

async function signOut() {
  let told = true;
  try {
    await auth('/api/v1/auth/logout', { method: 'POST' });
  } catch (e) {
    told = false;
  }
  // the token is dropped here whatever auth-service said
  leaving = true;
  forget();
  say(told ? 'You are signed out.'
    : 'You are signed out in this browser, but the server could not be told; your session ends by itself within 15 minutes.',
  told ? '' : 'warn');
  location.hash = '#/';
  render();
}

/** A token this tab did not ask for is ignored: say so, rather than silently showing the sign-in page. */
function restore() {
  restoreSession();
  if (takeRefusedSignIn()) {
    say('That sign-in was not started from this page, so it was ignored. Please sign in here.', 'warn');
  }
}

async function start() {
  restore();
  // Signed in, the first page needs only api-service: auth-service's address (/dashboard/config) is fetched
  // meanwhile. Signed out, the sign-in link needs it first.
  const config = loadConfig();
  if (!session()) await config;
  document.getElementById('sign-out').addEventListener('click', signOut);
  // The skip link must not change the hash: that is the router's.
  document.getElementById('skip').addEventListener('click', (e) => {
    e.preventDefault();
    main.focus();
  });
  let signedIn = !!session();
  onSessionChange((s) => {
    if (signedIn && !s && !leaving) {
      signedIn = false;
      say('Your session has ended; please sign in again.', 'warn');
      render();
    }
    if (s) leaving = false;
    signedIn = !!s;
    updateChrome();
  });
  window.addEventListener('hashchange', () => {
    if (!location.hash.startsWith('#access_token=')) render();
    else { restore(); render(); }
  });
  render();
}

start();
