// Top tracks, artists, albums and genres for a period (week, month, year, all time or a custom range). Tracks and
// artists can be limited to one genre; the genre lives in the URL (#/top?kind=tracks&genre=indie%20pop&period=...),
// like the history's filters, so a filtered list can be bookmarked and shared, and the genres' list links to it.
import { api, query } from '../api.js';
import { navigate } from '../app.js';
import {
  artistLinks, cover, entityLink, h, loading, minutes, notice, num, periodPicker, windowOf, windowText,
} from '../ui.js';

const KINDS = [['tracks', 'Tracks'], ['artists', 'Artists'], ['albums', 'Albums'], ['genres', 'Genres']];
/** The lists a genre can filter. */
const BY_GENRE = ['tracks', 'artists'];

/**
 * The genre filter of tracks and artists: a select of the window's genres (most played first), the one chosen kept
 * even when the window has none of it, and a chip that names it with a button to remove it.
 */
function genreFilter(w, kind, genre, isCurrent) {
  const select = h('select', { id: 'top-genre', name: 'genre' },
    h('option', { value: '' }, 'All genres'),
    genre ? h('option', { value: genre, selected: true }, genre) : null);
  select.addEventListener('change', () => navigate('top', { ...w, kind, genre: select.value }));
  api(`/api/v1/me/stats/top/genres${query({ ...w, limit: 50 })}`).then((top) => {
    if (!isCurrent()) return;
    for (const item of top.items) {
      if (item.genre !== genre) select.append(h('option', { value: item.genre }, item.genre));
    }
  }).catch(() => { /* the filter keeps what it has: the list below says what went wrong */ });
  return [
    h('div', { class: 'controls' }, h('div', { class: 'field' }, h('label', { for: 'top-genre' }, 'Genre'), select)),
    genre ? h('ul', { class: 'chips', id: 'top-genre-chips', 'aria-label': 'Active filters' },
      h('li', { 'data-filter': 'genre' }, 'Genre: ', h('span', { 'data-filter-name': 'genre' }, genre),
        h('button', { type: 'button', class: 'secondary', 'aria-label': 'Remove the genre filter',
          onclick: () => navigate('top', { ...w, kind, genre: null }) }, '×'))) : null,
  ].filter(Boolean);
}

/** The window's genres: each links to the window's top tracks of that genre. */
function genresTable(top, caption) {
  const max = top.items[0].plays || 1;
  const w = { period: top.window.period, from: top.window.from, to: top.window.to };
  const windowParams = w.period === 'custom' ? w : { period: w.period, date: w.from || undefined };
  const rows = top.items.map((item) => h('tr', { 'data-genre': item.genre },
    h('td', { class: 'num' }, item.rank),
    h('td', {}, h('a', { class: 'genre-link', href: `#/top${query({ ...windowParams, kind: 'tracks', genre: item.genre })}`,
      'aria-label': `Top tracks of ${item.genre}` }, item.genre),
    h('div', { class: 'bar', style: { width: `${(100 * item.plays) / max}%` }, 'aria-hidden': 'true' })),
    h('td', { class: 'num plays' }, num(item.plays)),
    h('td', { class: 'num hide-narrow' }, minutes(item.minutes))));
  return h('div', { class: 'scroll' }, h('table', { id: 'top-genres-table' }, caption,
    h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'num' }, '#'), h('th', { scope: 'col' }, 'Genre'),
      h('th', { scope: 'col', class: 'num' }, 'Plays'), h('th', { scope: 'col', class: 'num hide-narrow' }, 'Time'))),
    h('tbody', {}, rows)),
  h('p', { class: 'sub' }, 'A play counts once for each genre of its artists, so genres overlap. Artists without '
    + 'genres on Spotify count for none.'));
}

export async function render(view, { params, isCurrent }) {
  const kind = KINDS.some(([k]) => k === params.get('kind')) ? params.get('kind') : 'tracks';
  const label = KINDS.find(([k]) => k === kind)[1];
  const genre = BY_GENRE.includes(kind) && params.get('genre') ? params.get('genre') : null;
  document.title = `Top ${label.toLowerCase()}${genre ? ` of ${genre}` : ''} · Audiospective`;
  const w = windowOf(params);
  const go = (p) => navigate('top', { kind, genre, ...p });
  view.append(h('h1', {}, `Top ${label.toLowerCase()}`));
  view.append(h('nav', { class: 'tabs', 'aria-label': 'What to rank' }, KINDS.map(([k, text]) =>
    h('a', { href: `#/top${query({ ...w, kind: k, genre: BY_GENRE.includes(k) ? genre : null })}`,
      'aria-current': k === kind ? 'page' : null, 'data-kind': k }, text))));
  view.append(periodPicker(params, go));
  if (w.period === 'custom' && (!w.from || !w.to)) {
    view.append(notice('Choose the first and last day of the range.'));
    return;
  }
  if (BY_GENRE.includes(kind)) view.append(...genreFilter(w, kind, genre, isCurrent));
  const result = h('div', { id: 'top-result' }, loading());
  view.append(result);
  let top;
  try {
    top = await api(`/api/v1/me/stats/top/${kind}${query({ ...w, genre, limit: 50 })}`);
  } catch (e) {
    result.replaceChildren(notice(e.message, 'bad'));
    return;
  }
  if (!isCurrent()) return;
  const caption = h('caption', { class: 'sub', style: { textAlign: 'left', captionSide: 'top' } }, windowText(top.window));
  if (!top.items.length) {
    const none = kind === 'genres' ? 'No plays of artists with genres in this period.'
      : genre ? `No plays of ${genre} in this period.` : 'No plays in this period.';
    result.replaceChildren(h('p', { class: 'sub', id: 'top-window' }, windowText(top.window)), notice(none));
    return;
  }
  if (kind === 'genres') {
    result.replaceChildren(genresTable(top, caption));
    return;
  }
  const max = top.items[0].plays || 1;
  const rows = top.items.map((item) => h('tr', { 'data-id': item.id },
    h('td', { class: 'num' }, item.rank),
    h('td', {}, h('div', { class: 'with-cover' },
      cover(item.imageUrl, kind === 'artists' ? `Cover of an album by ${item.name}` : `Cover of ${item.albumName || item.name}`, 48),
      h('div', {}, h('span', { class: 'name' }, entityLink(kind, item.id, item.name)),
        kind !== 'artists' && item.artists ? h('div', { class: 'sub' }, artistLinks(item.artists),
          kind === 'tracks' && item.albumName ? [' · ', entityLink('albums', item.albumId, item.albumName)] : '') : null)),
      h('div', { class: 'bar', style: { width: `${(100 * item.plays) / max}%` }, 'aria-hidden': 'true' })),
    h('td', { class: 'num plays' }, num(item.plays)),
    h('td', { class: 'num hide-narrow' }, minutes(item.minutes))));
  result.replaceChildren(h('div', { class: 'scroll' }, h('table', { id: 'top-table' }, caption,
    h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'num' }, '#'), h('th', { scope: 'col' }, label.slice(0, -1)),
      h('th', { scope: 'col', class: 'num' }, 'Plays'), h('th', { scope: 'col', class: 'num hide-narrow' }, 'Time'))),
    h('tbody', {}, rows))));
}
