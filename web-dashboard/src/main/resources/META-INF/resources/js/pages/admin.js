// Admin (role admin only): users by state, polls and failures by kind, plays archived, consumer lag, DLQ sizes,
// dead letters with their re-drive, the waitlist and founding seats (auth-service) with admission, member lookup with
// the member's schedule (scheduler-service, through api-service) and a poll on demand, and the read-model replay with
// its progress. Refused for everyone else, here and by the API.
import { ApiError, api, auth } from '../api.js';
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
  return h('div', { id: 'replay', 'data-state': r.state, 'data-generation': r.generation },
    h('p', {}, `Replay ${r.generation}: ${r.state}, started ${dateTime(r.startedAt)}`,
      r.finishedAt ? `, finished ${dateTime(r.finishedAt)}` : ''),
    h('label', { for: 'replay-progress' }, `${num(r.records)} records replayed, ${r.lag === null || r.lag === undefined ? '?' : num(r.lag)} to go`),
    h('progress', { id: 'replay-progress', max: total || 1, value: r.state === 'RUNNING' ? r.records : total || 1 }),
    r.detail ? h('p', { class: 'sub' }, r.detail) : null);
}

const row = (cells) => h('tr', {}, cells);
const col = (label, numeric) => h('th', { scope: 'col', class: numeric ? 'num' : null }, label);

/**
 * Dead letters waiting for a re-drive: counted by topic and reason, each group with its re-drive button, and the
 * records themselves (where each was, why it was set aside). Redrawn after every re-drive.
 */
function deadLetterSection(initialCounts, isCurrent, onCounts) {
  const body = h('div', {}, loading());
  const status = h('div', { role: 'status', id: 'redrive-status' });
  const draw = async (known) => {
    let counts = known;
    let topics;
    let records;
    try {
      if (!counts) {
        counts = (await api('/api/v1/admin/overview')).deadLetters || {};
        onCounts(counts);
      }
      topics = Object.keys(counts).filter((t) => Object.values(counts[t]).some((n) => n > 0)).sort();
      records = (await Promise.all(topics.map((t) => api(`/api/v1/admin/dead-letters?topic=${encodeURIComponent(t)}&limit=50`))))
        .flat();
    } catch (e) {
      body.replaceChildren(notice(e.message, 'bad'));
      return;
    }
    if (!isCurrent()) return;
    const groups = topics.flatMap((t) => Object.entries(counts[t]).filter(([, n]) => n > 0).sort()
      .map(([reason, n]) => [t, reason, n]));
    if (!groups.length) {
      body.replaceChildren(h('p', { class: 'sub', id: 'dead-letters-none' }, 'No dead letters waiting.'));
      return;
    }
    const redrive = async (button, topic, reason) => {
      button.disabled = true;
      status.textContent = `Re-driving the dead letters of ${topic} (${reason})…`;
      try {
        const r = await api('/api/v1/admin/dead-letters/redrive', {
          method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ topic, reason }),
        });
        status.replaceChildren(notice(`${num(r.redriven)} ${r.redriven === 1 ? 'record' : 'records'} put back on ${r.topic}.`));
        status.firstChild.dataset.redriven = String(r.redriven);
      } catch (e) {
        status.replaceChildren(notice(e.message, 'bad'));
      }
      await draw();
    };
    body.replaceChildren(
      h('div', { class: 'scroll' }, h('table', { id: 'dead-letters', 'aria-labelledby': 'dead-letters-title' },
        h('thead', {}, row([col('Topic'), col('Reason'), col('Records', true), col('Re-drive')])),
        h('tbody', {}, groups.map(([topic, reason, n]) => {
          const button = h('button', { type: 'button', 'data-redrive': `${topic}|${reason}`,
            'aria-label': `Re-drive ${n} dead ${n === 1 ? 'letter' : 'letters'} of ${topic} (${reason})` }, 'Re-drive');
          button.addEventListener('click', () => redrive(button, topic, reason));
          return h('tr', { class: 'row-bad', 'data-topic': topic, 'data-reason': reason },
            h('th', { scope: 'row' }, topic), h('td', {}, reason), h('td', { class: 'num' }, num(n)), h('td', {}, button));
        })))),
      h('h3', {}, 'Records'),
      h('div', { class: 'scroll' }, h('table', { id: 'dead-letter-records' },
        h('thead', {}, row([col('Topic'), col('Partition', true), col('Offset', true), col('Reason'), col('Set aside')])),
        h('tbody', {}, records.map((d) => h('tr', { 'data-topic': d.topic, 'data-partition': d.partition ?? '',
          'data-offset': d.offset ?? '', 'data-reason': d.reasonCode },
        h('th', { scope: 'row' }, d.topic), h('td', { class: 'num' }, d.partition ?? '–'),
        h('td', { class: 'num' }, d.offset ?? '–'), h('td', {}, d.reason || d.reasonCode),
        h('td', {}, dateTime(d.deadLetteredAt))))))));
  };
  draw(initialCounts);
  return h('section', { class: 'card' }, h('h2', { id: 'dead-letters-title' }, 'Dead letters waiting for a re-drive'),
    h('p', { class: 'sub' }, 'Records a consumer could not apply for their own content, set aside alone. Re-drive them '
      + 'once the cause is fixed: they go back to their topic, and one that fails again is set aside again.'),
    status, body);
}

/** The founding seats and the waitlist (auth-service), with an admit button for each confirmed person waiting. */
function waitlistSection(isCurrent) {
  const body = h('div', {}, loading());
  const status = h('div', { role: 'status', id: 'waitlist-status' });
  const draw = async () => {
    let seats;
    let entries;
    try {
      [seats, entries] = await Promise.all([auth('/admin/waitlist/seats'), auth('/admin/waitlist')]);
    } catch (e) {
      body.replaceChildren(notice(e.message, 'bad'));
      return;
    }
    if (!isCurrent()) return;
    const admit = async (button, entry) => {
      button.disabled = true;
      status.textContent = `Admitting waitlist entry ${entry.id}…`;
      try {
        await auth(`/admin/waitlist/${entry.id}/admit`, { method: 'POST' });
        status.replaceChildren(notice(`Admitted ${entry.email}: a seat is reserved and the claim link mailed.`));
      } catch (e) {
        status.replaceChildren(notice(e.message, 'bad'));
      }
      await draw();
    };
    const stateOf = (e) => {
      if (e.claim) return { OPEN: 'admitted, claim open', USED: 'joined', EXPIRED: 'claim expired' }[e.claim];
      if (e.admittedAt) return 'admitted';
      return e.verifiedAt ? 'waiting' : 'address not confirmed';
    };
    body.replaceChildren(
      h('dl', { class: 'grid', id: 'seats' },
        [['Founding seats (cap)', seats.cap, 'cap'], ['Added by admissions', seats.extra, 'extra'],
          ['Taken', seats.taken, 'taken'], ['Reserved for open claims', seats.reserved, 'reserved'],
          ['Free', seats.free, 'free']]
          .map(([k, v, id]) => h('div', { class: 'stat' }, h('dt', {}, k), h('dd', { 'data-seats': id }, num(v))))),
      entries.length
        ? h('div', { class: 'scroll' }, h('table', { id: 'waitlist', 'aria-labelledby': 'waitlist-title' },
          h('thead', {}, row([col('E-mail'), col('Joined'), col('State'), col('Claim open until'), col('Admit')])),
          h('tbody', {}, entries.map((e) => {
            let action = '–';
            if (e.verifiedAt && !e.admittedAt) {
              action = h('button', { type: 'button', 'data-admit': e.id, 'aria-label': `Admit ${e.email}` }, 'Admit');
              action.addEventListener('click', () => admit(action, e));
            }
            return h('tr', { 'data-entry': e.id, 'data-state': stateOf(e) },
              h('th', { scope: 'row' }, e.email), h('td', {}, dateTime(e.createdAt)), h('td', {}, stateOf(e)),
              h('td', {}, e.claim === 'OPEN' ? dateTime(e.claimExpiresAt) : '–'), h('td', {}, action));
          }))))
        : h('p', { class: 'sub', id: 'waitlist-empty' }, 'Nobody is on the waitlist.'));
  };
  draw();
  return h('section', { class: 'card' }, h('h2', { id: 'waitlist-title' }, 'Waitlist and founding seats'),
    h('p', { class: 'sub' }, 'Admitting someone adds a seat reserved for them and mails them the link that claims it.'),
    status, body);
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
  const waitingTotal = (counts) => Object.values(counts).flatMap((reasons) => Object.values(reasons))
    .reduce((a, b) => a + b, 0);
  const dlqTotal = waitingTotal(overview.deadLetters || {});
  const dlqStat = (counts) => {
    const dd = view.querySelector('[data-stat="dlq"]');
    if (dd) dd.textContent = num(waitingTotal(counts));
  };
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
    h('button', { type: 'submit', id: 'lookup-submit' }, 'Look up'));
  const when = (iso) => (iso ? dateTime(iso) : '–');
  // the member's schedule is scheduler-service's, passed on by api-service
  const scheduleOf = async (id, box) => {
    try {
      const s = await api(`/api/v1/admin/users/${encodeURIComponent(id)}/schedule`);
      if (!isCurrent()) return;
      box.replaceChildren(h('dl', { class: 'grid', id: 'schedule' },
        [['Schedule', s.status, 'status'], ['Slot in each period', `${s.slotOffset || '–'} of ${s.pollingPeriod || '–'}`, 'slot'],
          ['Next poll', when(s.nextPoll), 'next-poll'], ['Failures in a row', num(s.consecutiveFailures), 'failures'],
          ['Backoff until', when(s.backoffUntil), 'backoff'], ['Last outcome', when(s.lastOutcomeAt), 'last-outcome'],
          ['Last published', s.lastPublishedAt ? `${dateTime(s.lastPublishedAt)} (${s.lastPublishedReason})` : '–', 'last-published'],
          ['Last batch', s.lastBatchId || '–', 'last-batch']]
          .map(([k, v, id2]) => h('div', { class: 'stat small' }, h('dt', {}, k), h('dd', { 'data-schedule': id2 }, v)))));
    } catch (err) {
      box.replaceChildren(notice(err.message, 'bad'));
    }
  };
  lookup.addEventListener('submit', async (e) => {
    e.preventDefault();
    const id = lookupInput.value.trim();
    lookupResult.replaceChildren(loading());
    try {
      const u = await api(`/api/v1/admin/users/${encodeURIComponent(id)}`);
      if (!isCurrent()) return;
      const a = u.me.archive || {};
      const scheduleBox = h('div', {}, loading());
      const pollStatus = h('div', { role: 'status', id: 'poll-now-status' });
      const pollNow = h('button', { type: 'button', id: 'poll-now' }, 'Poll now');
      pollNow.addEventListener('click', async () => {
        pollNow.disabled = true;
        pollStatus.textContent = 'Asking the scheduler…';
        try {
          const r = await api(`/api/v1/admin/users/${encodeURIComponent(id)}/poll-now`, { method: 'POST' });
          pollStatus.replaceChildren(h('p', { class: 'notice', 'data-batch': r.batchId },
            `Poll requested: batch ${r.batchId} published for ${dateTime(r.scheduledFor)}.`));
          await scheduleOf(id, scheduleBox);
        } catch (err) {
          pollStatus.replaceChildren(notice(err.message, 'bad'));
        } finally {
          pollNow.disabled = false;
        }
      });
      lookupResult.replaceChildren(h('dl', { class: 'grid', id: 'member' },
        [['Name', u.me.displayName || '–', 'name'], ['State', a.state || '–', 'state'],
          ['Plays archived', num(a.playsArchived), 'plays'], ['Last successful poll', when(a.lastSuccessfulPoll), 'last-poll'],
          ['Last poll failure', u.lastPollFailure || 'none', 'failure'], ['Distinct tracks', num(u.distinctTracks), 'tracks'],
          ['Sessions', num(u.sessions), 'sessions'], ['Time zone', u.me.timeZone, 'zone']]
          .map(([k, v, key]) => h('div', { class: 'stat small' }, h('dt', {}, k), h('dd', { 'data-member': key }, v)))),
      h('h3', {}, 'Schedule'), scheduleBox,
      h('p', {}, pollNow, ' ', h('span', { class: 'sub' }, 'Publishes a poll of this member now, ignoring any backoff.')),
      pollStatus);
      await scheduleOf(id, scheduleBox);
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
      mapTable('dlq-sizes', 'Dead-letter topics', overview.dlqSizes,
        { keyLabel: 'Topic', valueLabel: 'Records', highlight: (k, v) => v > 0 })),
    deadLetterSection(overview.deadLetters || {}, isCurrent, dlqStat),
    waitlistSection(isCurrent),
    h('section', { class: 'card' }, h('h2', {}, 'Plays archived per hour (UTC)'), perHour.length ? chart : h('p', { class: 'sub' }, 'None yet.')),
    h('section', { class: 'card' }, h('h2', {}, 'Replay'),
      h('p', {}, 'Reads the whole plays topic again into new tables and switches over when caught up; the API keeps answering meanwhile.'),
      h('p', {}, sure, ' ', h('label', { for: 'replay-sure' }, 'I want to rebuild the read model')),
      h('p', {}, start), replayStatus, replayBox),
    h('section', { class: 'card' }, h('h2', {}, 'Look up a member: archive and schedule, poll now'), lookup, lookupResult));

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
