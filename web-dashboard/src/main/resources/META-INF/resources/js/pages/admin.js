// Admin (role admin only): users by state, polls and failures by kind, plays archived, consumer lag, DLQ sizes,
// member lookup, and the read-model replay with its progress. Refused for everyone else, here and by the API.
import { ApiError, api } from '../api.js';
import { barChart, dateTime, h, loading, notice, num } from '../ui.js';

function refuse(view) {
  document.title = 'Admins only · Audiospective';
  view.replaceChildren(h('h1', {}, 'Admins only'),
    notice('This page is for operators with the admin role. Your account does not have it.', 'bad'),
    h('p', {}, h('a', { href: '#/' }, 'Back to your archive')));
  view.dataset.refused = 'true';
}

function mapTable(id, caption, map, { keyLabel, valueLabel, highlight }) {
  const entries = Object.entries(map || {}).sort((a, b) => b[1] - a[1]);
  return h('section', { class: 'card' }, h('h2', { id: `${id}-title` }, caption),
    entries.length ? h('div', { class: 'scroll' }, h('table', { id, 'aria-labelledby': `${id}-title` },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, keyLabel), h('th', { scope: 'col', class: 'num' }, valueLabel))),
      h('tbody', {}, entries.map(([k, v]) => h('tr', { class: highlight && highlight(k, v) ? 'row-bad' : null },
        h('th', { scope: 'row' }, k), h('td', { class: 'num', 'data-key': k }, num(v)))))))
      : h('p', { class: 'sub' }, 'Nothing to show.'));
}

function replayView(r) {
  const total = r.records + (r.lag || 0);
  return h('div', { id: 'replay', 'data-state': r.state },
    h('p', {}, `Replay ${r.generation}: ${r.state}, started ${dateTime(r.startedAt)}`,
      r.finishedAt ? `, finished ${dateTime(r.finishedAt)}` : ''),
    h('label', { for: 'replay-progress' }, `${num(r.records)} records replayed, ${r.lag === null || r.lag === undefined ? '?' : num(r.lag)} to go`),
    h('progress', { id: 'replay-progress', max: total || 1, value: r.state === 'RUNNING' ? r.records : total || 1 }),
    r.detail ? h('p', { class: 'sub' }, r.detail) : null);
}

export async function render(view, { session, isCurrent }) {
  if (!session.admin) { refuse(view); return undefined; }
  document.title = 'Admin · Audiospective';
  let timers = [];
  const content = h('div', {}, loading());
  view.append(h('h1', {}, 'Admin'), content);
  let overview;
  let replays;
  try {
    [overview, replays] = await Promise.all([api('/api/v1/admin/overview'), api('/api/v1/admin/replays')]);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 403 || e.status === 401)) { refuse(view); return undefined; }
    throw e;
  }
  if (!isCurrent()) return undefined;
  const polls = overview.pollsLastHour || {};
  const failures = Object.fromEntries(Object.entries(polls).filter(([k]) => k !== 'OK'));
  const perHour = overview.playsArchivedPerHour || [];
  const perDay = overview.playsArchivedPerDay || [];
  const users = Object.values(overview.usersByState || {}).reduce((a, b) => a + b, 0);
  const lagTotal = Object.values(overview.consumerLag || {}).reduce((a, b) => a + Math.max(0, b), 0);
  // dead letters not re-driven yet, per source topic and reason code (POST /api/v1/admin/dead-letters/redrive)
  const waiting = Object.fromEntries(Object.entries(overview.deadLetters || {})
    .flatMap(([topic, reasons]) => Object.entries(reasons).map(([reason, n]) => [`${topic} · ${reason}`, n])));
  const dlqTotal = Object.values(waiting).reduce((a, b) => a + b, 0);
  const chart = h('div', { class: 'chart', id: 'admin-chart', role: 'img', 'aria-label': 'Plays archived per hour' });

  const replayBox = h('div', { 'aria-live': 'polite' });
  const replayStatus = h('div', { role: 'status' });
  const start = h('button', { type: 'button', id: 'start-replay' }, 'Rebuild the read model (replay)');
  const sure = h('input', { type: 'checkbox', id: 'replay-sure' });
  start.disabled = true;
  sure.addEventListener('change', () => { start.disabled = !sure.checked; });
  const followReplay = async (generation) => {
    try {
      const r = await api(`/api/v1/admin/replays/${generation}`);
      if (!isCurrent()) return;
      replayBox.replaceChildren(replayView(r));
      if (r.state === 'RUNNING') timers.push(setTimeout(() => followReplay(generation), 1000));
    } catch (e) {
      replayStatus.replaceChildren(notice(e.message, 'bad'));
    }
  };
  start.addEventListener('click', async () => {
    start.disabled = true;
    replayStatus.textContent = 'Starting the replay…';
    try {
      const r = await api('/api/v1/admin/replays', { method: 'POST' });
      replayStatus.textContent = `Replay ${r.generation} started.`;
      followReplay(r.generation);
    } catch (e) {
      replayStatus.replaceChildren(notice(e.message, 'bad'));
    } finally {
      sure.checked = false;
    }
  });

  const lookupInput = h('input', { type: 'text', id: 'lookup-id', required: true, autocomplete: 'off' });
  const lookupResult = h('div', { 'aria-live': 'polite' });
  const lookup = h('form', { class: 'controls' },
    h('div', { class: 'field' }, h('label', { for: 'lookup-id' }, 'Spotify user id'), lookupInput),
    h('button', { type: 'submit' }, 'Look up'));
  lookup.addEventListener('submit', async (e) => {
    e.preventDefault();
    lookupResult.replaceChildren(loading());
    try {
      const u = await api(`/api/v1/admin/users/${encodeURIComponent(lookupInput.value.trim())}`);
      const a = u.me.archive || {};
      lookupResult.replaceChildren(h('dl', { class: 'grid' },
        [['Name', u.me.displayName || '–'], ['State', a.state || '–'], ['Plays archived', num(a.playsArchived)],
          ['Last successful poll', dateTime(a.lastSuccessfulPoll)], ['Last poll failure', u.lastPollFailure || 'none'],
          ['Distinct tracks', num(u.distinctTracks)], ['Sessions', num(u.sessions)], ['Time zone', u.me.timeZone]]
          .map(([k, v]) => h('div', { class: 'stat' }, h('dt', {}, k), h('dd', {}, v)))));
    } catch (err) {
      lookupResult.replaceChildren(notice(err.message, 'bad'));
    }
  });

  content.replaceChildren(
    h('dl', { class: 'grid' },
      [['Members', num(users), 'users'], ['Polls in the last hour', num(Object.values(polls).reduce((a, b) => a + b, 0)), 'polls'],
        ['Failed polls in the last hour', num(Object.values(failures).reduce((a, b) => a + b, 0)), 'failures'],
        ['Plays archived today', num(perDay.length ? perDay[perDay.length - 1].plays : 0), 'plays-today'],
        ['Consumer lag (records)', num(lagTotal), 'lag'], ['Dead letters', num(dlqTotal), 'dlq'],
        ['Read model generation', num(overview.readModelGeneration), 'generation']]
        .map(([k, v, id]) => h('div', { class: 'stat' }, h('dt', {}, k), h('dd', { 'data-stat': id }, v)))),
    h('div', { class: 'grid wide' },
      mapTable('users-by-state', 'Members by state', overview.usersByState, { keyLabel: 'State', valueLabel: 'Members' }),
      mapTable('failures-by-kind', 'Poll outcomes, last hour', polls,
        { keyLabel: 'Outcome', valueLabel: 'Polls', highlight: (k) => k !== 'OK' }),
      mapTable('consumer-lag', 'Consumer lag', overview.consumerLag, { keyLabel: 'Topic', valueLabel: 'Records behind' }),
      mapTable('dead-letters', 'Dead letters waiting for a re-drive', waiting,
        { keyLabel: 'Topic · reason', valueLabel: 'Records', highlight: (k, v) => v > 0 }),
      mapTable('dlq-sizes', 'Dead-letter topics', overview.dlqSizes,
        { keyLabel: 'Topic', valueLabel: 'Records', highlight: (k, v) => v > 0 })),
    h('section', { class: 'card' }, h('h2', {}, 'Plays archived per hour (UTC)'), perHour.length ? chart : h('p', { class: 'sub' }, 'None yet.')),
    h('section', { class: 'card' }, h('h2', {}, 'Replay'),
      h('p', {}, 'Reads the whole plays topic again into new tables and switches over when caught up; the API keeps answering meanwhile.'),
      h('p', {}, sure, ' ', h('label', { for: 'replay-sure' }, 'I want to rebuild the read model')),
      h('p', {}, start), replayStatus, replayBox),
    h('section', { class: 'card' }, h('h2', {}, 'Look up a member'), lookup, lookupResult));

  const running = (replays || []).find((r) => r.state === 'RUNNING') || (replays || [])[0];
  if (running) followReplay(running.generation);
  let destroyChart = null;
  if (perHour.length) {
    try {
      destroyChart = await barChart(chart, perHour.map((c) => Date.parse(c.start) / 1000), perHour.map((c) => c.plays), { label: 'Plays', pad: 3 * 3600 });
    } catch (e) {
      chart.replaceChildren(notice(e.message, 'bad'));
    }
  }
  return () => { timers.forEach(clearTimeout); timers = []; if (destroyChart) destroyChart(); };
}
