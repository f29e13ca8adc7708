// History: plays newest first, grouped by local day, loading the next page when the end comes into view (or on
// the button, for keyboards and screen readers). Filters (an artist, a track, an album, a date range) live in the
// URL (#/history?artist=<id>&from=<date>&to=<date>), so a filtered history can be bookmarked and shared; an item's
// page links here with its filter set.
import { api, query } from '../api.js';
import { navigate } from '../app.js';
import { artistLinks, cover, day, entityLink, h, notice } from '../ui.js';

const PAGE = 50;
const ITEM_FILTERS = [['artist', 'artists', 'Artist'], ['track', 'tracks', 'Track'], ['album', 'albums', 'Album']];

/** The history's filters from the page's parameters. */
function filtersOf(params) {
  const f = {};
  for (const key of ['artist', 'track', 'album', 'from', 'to']) {
    if (params.get(key)) f[key] = params.get(key);
  }
  return f;
}

/** The API's query for the filters: a date range is a custom window (one end alone is open on the other side). */
function apiFilters(f) {
  const q = { artist: f.artist, track: f.track, album: f.album };
  if (f.from || f.to) {
    Object.assign(q, { period: 'custom', from: f.from || '2000-01-01', to: f.to || '2099-12-31' });
  }
  return q;
}

function filterForm(f) {
  const from = h('input', { type: 'date', id: 'history-from', name: 'from', value: f.from || '' });
  const to = h('input', { type: 'date', id: 'history-to', name: 'to', value: f.to || '' });
  const form = h('form', { class: 'controls', id: 'history-filters', 'aria-label': 'Filter plays' },
    h('div', { class: 'field' }, h('label', { for: 'history-from' }, 'From'), from),
    h('div', { class: 'field' }, h('label', { for: 'history-to' }, 'To'), to),
    h('button', { type: 'submit' }, 'Filter'),
    f.from || f.to ? h('button', { type: 'button', class: 'secondary', id: 'history-clear-dates',
      onclick: () => navigate('history', { ...f, from: null, to: null }) }, 'All dates') : null);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    navigate('history', { ...f, from: from.value, to: to.value });
  });
  return form;
}

/** The active item filters, each named (from its page's statistics) and removable. */
function chips(f) {
  const active = ITEM_FILTERS.filter(([key]) => f[key]);
  if (!active.length) return null;
  return h('ul', { class: 'chips', id: 'history-chips', 'aria-label': 'Active filters' }, active.map(([key, kind, label]) => {
    const name = h('span', { 'data-filter-name': key }, f[key]);
    api(`/api/v1/me/stats/${kind}/${encodeURIComponent(f[key])}`)
      .then((item) => name.replaceChildren(entityLink(kind, f[key], item.name)))
      .catch(() => { /* never played: the id stays */ });
    return h('li', { 'data-filter': key }, `${label}: `, name,
      h('button', { type: 'button', class: 'secondary', 'aria-label': `Remove the ${label.toLowerCase()} filter`,
        onclick: () => navigate('history', { ...f, [key]: null }) }, '×'));
  }));
}

export async function render(view, { params, isCurrent }) {
  document.title = 'History · Audiospective';
  const f = filtersOf(params);
  const list = h('div', { class: 'history', id: 'history' });
  const status = h('p', { class: 'sub', role: 'status', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'secondary', id: 'load-more' }, 'Load more');
  view.append(...[h('h1', {}, 'History'), filterForm(f), chips(f), list, status, h('p', {}, more)].filter(Boolean));
  let cursor = null;
  let loading = false;
  let done = false;
  let shown = 0;
  let lastDay = null;
  let group = null;

  async function next() {
    if (loading || done) return;
    loading = true;
    more.disabled = true;
    status.textContent = 'Loading plays…';
    try {
      const page = await api(`/api/v1/me/plays${query({ ...apiFilters(f), limit: PAGE, cursor })}`);
      if (!isCurrent()) return;
      for (const play of page.items) {
        const localDay = play.localTime.slice(0, 10);
        if (localDay !== lastDay) {
          lastDay = localDay;
          group = h('ol', { class: 'history', 'aria-label': day(localDay, 'full') });
          list.append(h('section', {}, h('h2', {}, day(localDay, 'full')), group));
        }
        group.append(h('li', { class: 'play', 'data-played-at': play.playedAt },
          h('time', { datetime: play.playedAt }, play.localTime.slice(11, 16)),
          cover(play.imageUrl, `Cover of ${play.albumName}`, 40),
          h('div', {}, h('strong', { class: 'track' }, entityLink('tracks', play.trackId, play.trackName)), h('br'),
            h('span', { class: 'sub' }, artistLinks(play.artists),
              play.albumName ? [' · ', entityLink('albums', play.albumId, play.albumName)] : ''))));
      }
      shown += page.items.length;
      cursor = page.nextCursor || null;
      done = !cursor;
      status.textContent = shown === 0 ? 'No plays match.' : `${shown} plays shown${done ? ': that is all of them.' : '.'}`;
      more.hidden = done;
    } catch (e) {
      status.replaceChildren(notice(e.message, 'bad'));
    } finally {
      loading = false;
      more.disabled = false;
    }
    // The observer only reports changes: keep filling while the end is still in view.
    if (!done && isCurrent() && more.getBoundingClientRect().top < window.innerHeight + 600) setTimeout(next, 0);
  }

  more.addEventListener('click', next);
  const observer = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) next();
  }, { rootMargin: '600px 0px' });
  await next();
  observer.observe(more);
  return () => observer.disconnect();
}
