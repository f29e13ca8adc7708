// Import of Spotify's history download (zip or JSON) with upload and import progress; export of the whole history.
import { ApiError, api, bearer, download, query } from '../api.js';
import { dateTime, h, notice, num } from '../ui.js';

const LAST_IMPORT = 'audiospective.lastImport';
const POLL_MS = 1000;

function contentType(file) {
  const name = file.name.toLowerCase();
  if (name.endsWith('.zip')) return 'application/zip';
  if (name.endsWith('.json')) return 'application/json';
  return file.type || 'application/octet-stream';
}

/** POSTs the raw file with XMLHttpRequest, which (unlike fetch) reports upload progress. */
function upload(file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1/me/imports${query({ name: file.name })}`);
    xhr.setRequestHeader('Authorization', bearer());
    xhr.setRequestHeader('Content-Type', contentType(file));
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded, e.total);
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new ApiError(xhr.status, (body && (body.detail || body.title)) || `HTTP ${xhr.status}`, body));
    };
    xhr.onerror = () => reject(new ApiError(0, 'The upload failed: the server could not be reached'));
    xhr.send(file);
  });
}

function jobView(job) {
  const skipped = Object.entries(job.skipped || {});
  const total = job.chunksSent || 0;
  const done = Math.min(job.chunksProcessed || 0, total);
  const finished = job.status === 'DONE' || job.status === 'FAILED';
  return h('div', { class: 'card', id: 'import-job', 'data-status': job.status },
    h('p', {}, h('strong', {}, `Import ${job.status === 'DONE' ? 'finished' : job.status === 'FAILED' ? 'failed' : 'running'}`),
      ` (${(job.files || []).join(', ') || 'upload'}, started ${dateTime(job.createdAt)})`),
    h('label', { for: 'import-progress' }, `Chunks archived: ${num(done)} of ${num(total)}`),
    h('progress', { id: 'import-progress', max: total || 1, value: finished && job.status === 'DONE' ? total || 1 : done }),
    h('dl', { class: 'grid' },
      [['Entries read', job.entriesRead, 'entries'], ['Plays sent', job.playsSent, 'sent'], ['Imported', job.imported, 'imported'],
        ['Already archived', job.duplicates, 'duplicates'], ['Waiting for track details', job.pendingMetadata, 'pending'],
        ['Shown with the file\'s names until Spotify describes them', job.awaitingCatalogue, 'awaiting-catalogue'],
        ['Unknown to Spotify, kept with the file\'s names', job.withoutCatalogue, 'without-catalogue'],
        ['Failed', job.failed, 'failed']]
        .map(([label, value, id]) => h('div', { class: 'stat' }, h('dt', {}, label), h('dd', { 'data-stat': id }, num(value))))),
    skipped.length ? h('p', { class: 'sub' }, `Skipped: ${skipped.map(([why, n]) => `${num(n)} ${why}`).join(', ')}.`) : null,
    job.error ? notice(job.error, 'bad') : null);
}

/** Every import of the member, newest first, as the API keeps them after they finish. */
async function pastImports(section) {
  try {
    const jobs = await api('/api/v1/me/imports');
    if (!jobs.length) {
      section.replaceChildren(h('h2', {}, 'Your imports'), h('p', { class: 'sub' }, 'No imports yet.'));
      return;
    }
    section.replaceChildren(h('h2', {}, 'Your imports'),
      h('table', { id: 'past-imports' },
        h('caption', { class: 'sub' }, 'Newest first'),
        h('thead', {}, h('tr', {}, ['Started', 'Files', 'Status'].map((title) => h('th', { scope: 'col' }, title)),
          ['Imported', 'Already archived', 'Removed'].map((title) => h('th', { scope: 'col', class: 'num' }, title)),
          h('th', { scope: 'col' }, 'Undo'))),
        h('tbody', {}, jobs.map((job) => h('tr', { 'data-import': job.id, 'data-status': job.status },
          h('td', {}, dateTime(job.createdAt)), h('td', {}, (job.files || []).join(', ')), h('td', {}, job.status),
          h('td', { class: 'num' }, num(job.imported)), h('td', { class: 'num' }, num(job.duplicates)),
          h('td', { class: 'num' }, num(job.removed || 0)),
          h('td', {}, ['IMPORTING', 'DONE', 'FAILED'].includes(job.status) ? undoButton(job, section) : null))))));
  } catch (e) {
    section.replaceChildren(h('h2', {}, 'Your imports'), notice(e.message, 'bad'));
  }
}

/** Undo removes every play the import added (never a polled play or another import's), after a confirmation. */
function undoButton(job, section) {
  const button = h('button', { type: 'button', 'aria-label': `Undo the import started ${dateTime(job.createdAt)}` }, 'Undo');
  button.addEventListener('click', async () => {
    if (!window.confirm('Remove every play this import added? Polled plays and other imports stay.')) return;
    button.disabled = true;
    try {
      await api(`/api/v1/me/imports/${encodeURIComponent(job.id)}`, { method: 'DELETE' });
      await pastImports(section);
    } catch (e) {
      button.replaceWith(notice(e.message, 'bad'));
    }
  });
  return button;
}

async function exportFile(format, button, status) {
  button.disabled = true;
  status.textContent = `Preparing the ${format.toUpperCase()} file…`;
  try {
    const size = await download(`/api/v1/me/export?format=${format}`, `audiospective-plays.${format}`);
    status.textContent = `Downloaded audiospective-plays.${format} (${num(Math.round(size / 1024))} KB).`;
  } catch (e) {
    status.replaceChildren(notice(e.message, 'bad'));
  } finally {
    button.disabled = false;
  }
}

export async function render(view, { isCurrent }) {
  document.title = 'Import & export · Audiospective';
  let timer = null;
  const file = h('input', { type: 'file', id: 'import-file', accept: '.zip,.json,application/zip,application/json', required: true });
  const submit = h('button', { type: 'submit', id: 'import-submit' }, 'Upload and import');
  const uploadBar = h('progress', { id: 'upload-progress', max: 1, value: 0, hidden: true });
  const status = h('div', { id: 'import-status', role: 'status', 'aria-live': 'polite' });
  const job = h('div', { 'aria-live': 'polite' });
  const past = h('section', { class: 'card', id: 'past-imports-card' });
  const form = h('form', { class: 'card', id: 'import-form' },
    h('h2', {}, 'Import your Spotify history'),
    h('p', {}, 'In Spotify\'s privacy settings, request your "Extended streaming history". Upload the zip you get '
      + '(or one Streaming_History_Audio_*.json / endsong_*.json from it). Plays you already have are not counted twice.'),
    h('div', { class: 'field' }, h('label', { for: 'import-file' }, 'History file (zip or JSON)'), file),
    h('p', {}, submit), uploadBar, status, job);

  async function follow(id) {
    clearTimeout(timer);
    try {
      const current = await api(`/api/v1/me/imports/${encodeURIComponent(id)}`);
      if (!isCurrent()) return;
      job.replaceChildren(jobView(current));
      if (current.status === 'DONE' || current.status === 'FAILED') {
        pastImports(past);
        status.textContent = current.status === 'DONE'
          ? `Import finished: ${num(current.imported)} plays added, ${num(current.duplicates)} already archived.`
          : 'The import failed. Uploading the same file again is safe.';
        return;
      }
    } catch (e) {
      if (e.status === 404) { localStorage.removeItem(LAST_IMPORT); job.replaceChildren(); return; }
      status.replaceChildren(notice(e.message, 'bad'));
    }
    if (isCurrent()) timer = setTimeout(() => follow(id), POLL_MS);
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const chosen = file.files[0];
    if (!chosen) return;
    submit.disabled = true;
    uploadBar.hidden = false;
    uploadBar.value = 0;
    job.replaceChildren();
    status.textContent = `Uploading ${chosen.name}…`;
    try {
      const started = await upload(chosen, (loaded, total) => {
        uploadBar.max = total;
        uploadBar.value = loaded;
        status.textContent = `Uploading ${chosen.name}: ${Math.floor((100 * loaded) / total)} %`;
      });
      localStorage.setItem(LAST_IMPORT, started.id);
      status.textContent = 'Uploaded and checked; importing…';
      job.replaceChildren(jobView(started));
      follow(started.id);
    } catch (err) {
      status.replaceChildren(notice(err.status === 422 ? `This file cannot be imported: ${err.message}` : err.message, 'bad'));
    } finally {
      submit.disabled = false;
      uploadBar.hidden = true;
    }
  });

  const exportStatus = h('p', { role: 'status', 'aria-live': 'polite', id: 'export-status' });
  const json = h('button', { type: 'button', id: 'export-json' }, 'Download JSON');
  const csv = h('button', { type: 'button', id: 'export-csv', class: 'secondary' }, 'Download CSV');
  json.addEventListener('click', () => exportFile('json', json, exportStatus));
  csv.addEventListener('click', () => exportFile('csv', csv, exportStatus));

  view.append(h('h1', {}, 'Import & export'), form, past,
    h('section', { class: 'card' }, h('h2', {}, 'Export everything'),
      h('p', {}, 'Your whole history, oldest first, every play with track, album, artists and when you played it.'),
      h('p', { class: 'controls' }, json, csv), exportStatus));

  pastImports(past);
  const last = localStorage.getItem(LAST_IMPORT);
  if (last) follow(last);
  return () => clearTimeout(timer);
}
