// Home: archive status (since, plays archived, last poll, reconnect-by, needs re-auth) and all-time totals.
import { api, authUrl, loadConfig, startSignIn } from '../api.js';
import {
  artistLinks, count, cover, dateTime, day, entityLink, h, minutes, notice, num, stat, statGrid,
} from '../ui.js';

const STATES = {
  ACTIVE: 'Archiving', PENDING: 'Waiting for the first poll', NEEDS_REAUTH: 'Needs you to reconnect Spotify',
  PAUSED: 'Paused', DELETED: 'Deleted',
};

export async function render(view) {
  document.title = 'Home · Audiospective';
  view.append(h('h1', {}, 'Your archive'));
  const [me, summary, streaks, tracks, artistsTop, genresTop] = await Promise.all([
    api('/api/v1/me'),
    api('/api/v1/me/stats/summary?period=all'),
    api('/api/v1/me/stats/streaks?period=all').catch(() => null),
    api('/api/v1/me/stats/top/tracks?period=month&limit=5').catch(() => null),
    api('/api/v1/me/stats/top/artists?period=month&limit=5').catch(() => null),
    api('/api/v1/me/stats/top/genres?period=month&limit=5').catch(() => null),
  ]);
  const archive = me.archive || {};
  if (archive.needsReauth || archive.reconnectBy) await loadConfig();
  if (me.displayName) view.querySelector('h1').textContent = `${me.displayName}'s archive`;
  if (archive.needsReauth) {
    view.append(h('div', { class: 'notice bad', role: 'alert' },
      h('p', {}, 'Spotify no longer lets us read your plays, so nothing new is archived. Reconnect to continue.'),
      h('a', { class: 'button', href: `${authUrl()}/login`, id: 'reconnect', onclick: startSignIn },
        'Reconnect Spotify')));
  } else if (archive.reconnectBy) {
    const left = (Date.parse(`${archive.reconnectBy}T00:00:00Z`) - Date.now()) / 86400000;
    if (left < 30) {
      view.append(h('div', { class: 'notice warn', role: 'status' },
        h('p', {}, `Spotify asks members to reconnect every six months. Please reconnect by ${day(archive.reconnectBy)}`
          + ' so your archive keeps growing.'),
        h('a', { class: 'button', href: `${authUrl()}/login`, onclick: startSignIn }, 'Reconnect now')));
    }
  }
  view.append(statGrid(
    stat('Status', STATES[archive.state] || archive.state || '–', 'state'),
    stat('Archiving since', archive.archivingSince ? dateTime(archive.archivingSince) : 'Not yet', 'since', 'small'),
    stat('Plays archived', num(archive.playsArchived), 'plays-archived'),
    stat('Last successful poll', archive.lastSuccessfulPoll ? dateTime(archive.lastSuccessfulPoll) : 'Not yet', 'last-poll', 'small'),
    stat('Reconnect by', archive.reconnectBy ? day(archive.reconnectBy) : '–', 'reconnect-by', 'small'),
    stat('Time zone', me.timeZone || 'UTC', 'zone'),
  ));
  view.append(h('h2', {}, 'All time'));
  view.append(statGrid(
    stat('Plays', num(summary.plays), 'plays'),
    stat('Listening time', minutes(summary.minutes), 'minutes'),
    stat('Tracks', num(summary.distinctTracks), 'tracks'),
    stat('Artists', num(summary.distinctArtists), 'artists'),
    stat('Albums', num(summary.distinctAlbums), 'albums'),
    stat('Longest streak', streaks && streaks.longestStreak ? count(streaks.longestStreak.days, 'day') : '–', 'streak'),
  ));
  if (!summary.plays) {
    view.append(notice('Nothing archived yet. New plays appear after the next poll; older ones come from an import of '
      + 'your Spotify data (Import & export).'));
  }
  const top = (title, kind, list, link) => h('section', { class: 'card' }, h('h3', {}, title),
    list && list.items.length ? h('ol', { class: 'rank', 'data-top': kind }, list.items.map((i) => h('li', { 'data-id': i.id },
      h('span', { class: 'with-cover' },
        cover(i.imageUrl, kind === 'artists' ? `Cover of an album by ${i.name}` : `Cover of ${i.albumName || i.name}`, 32),
        h('span', {}, entityLink(kind, i.id, i.name),
          kind === 'tracks' && i.artists ? h('span', { class: 'sub' }, ' · ', artistLinks(i.artists)) : null,
          h('span', { class: 'sub' }, ' · ', h('span', { class: 'plays' }, num(i.plays)), ' plays'))))))
      : h('p', { class: 'sub' }, 'No plays this month yet.'),
    h('p', {}, h('a', { href: link }, `All ${title.toLowerCase()}`)));
  // each genre links to the month's top tracks of that genre
  const genres = h('section', { class: 'card' }, h('h3', {}, 'Top genres'),
    genresTop && genresTop.items.length ? h('ol', { class: 'rank', 'data-top': 'genres' }, genresTop.items.map((g) =>
      h('li', { 'data-genre': g.genre },
        h('a', { href: `#/top?kind=tracks&period=month&genre=${encodeURIComponent(g.genre)}` }, g.genre),
        h('span', { class: 'sub' }, ' · ', h('span', { class: 'plays' }, num(g.plays)), ' plays'))))
      : h('p', { class: 'sub' }, 'No genres this month yet.'),
    h('p', {}, h('a', { href: '#/top?kind=genres&period=month' }, 'All top genres')));
  view.append(h('h2', {}, 'This month'), h('div', { class: 'grid wide' },
    top('Top tracks', 'tracks', tracks, '#/top?kind=tracks&period=month'),
    top('Top artists', 'artists', artistsTop, '#/top?kind=artists&period=month'),
    genres));
  view.append(h('p', {}, h('a', { href: '#/history' }, 'See your history'), ' · ',
    h('a', { href: '#/timeline' }, 'Plays per day'), ' · ', h('a', { href: '#/clock' }, 'Listening clock')));
}
