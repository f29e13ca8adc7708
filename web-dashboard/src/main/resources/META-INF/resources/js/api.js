// Talking to api-service (same origin) and auth-service (its URL comes from /dashboard/config), and keeping the
// API token. The token arrives once in the URL fragment after a sign-in this page started, with the state it
// stored then; it lives in localStorage until it expires, is renewed at auth-service shortly before, and is
// dropped on sign-out or when renewal is refused.

const TOKEN_KEY = 'audiospective.token';
const SIGN_IN_KEY = 'audiospective.signIn';
const SIGN_IN_TTL_MS = 15 * 60 * 1000;
const RENEW_BEFORE_MS = 3 * 60 * 1000;

let config = null;
let token = null;
let renewTimer = null;
let renewing = null;
const listeners = new Set();

export class ApiError extends Error {
  constructor(status, detail, body) {
    super(detail || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

let configLoading = null;

/** Where auth-service is (api-service's /dashboard/config); fetched once. */
export function loadConfig() {
  if (!configLoading) {
    configLoading = fetch('/dashboard/config')
      .then((response) => (response.ok ? response.json() : {}))
      .catch(() => ({}))
      .then((body) => {
        config = { ...body, authUrl: body.authUrl || `${location.protocol}//${location.hostname}:8081` };
        return config;
      });
  }
  return configLoading;
}

export function authUrl() {
  return config ? config.authUrl : `${location.protocol}//${location.hostname}:8081`;
}

function decodeClaims(jwt) {
  try {
    const part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const text = atob(part + '='.repeat((4 - (part.length % 4)) % 4));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(text, (c) => c.charCodeAt(0))));
  } catch (e) {
    return null;
  }
}

function setToken(value, persist = true) {
  token = value;
  clearTimeout(renewTimer);
  if (value) {
    if (persist) localStorage.setItem(TOKEN_KEY, value.jwt);
    const wait = value.claims.exp * 1000 - Date.now() - RENEW_BEFORE_MS;
    renewTimer = setTimeout(() => renew().catch(() => {}), Math.max(wait, 5000));
  } else {
    localStorage.removeItem(TOKEN_KEY);
  }
  listeners.forEach((fn) => fn(session()));
}

function fromJwt(jwt) {
  const claims = decodeClaims(jwt);
  return claims && claims.sub && claims.exp ? { jwt, claims } : null;
}

/**
 * Where a sign-in starts: auth-service's /login with a fresh random state, kept in this tab. The token coming back
 * is taken only with that state, so a link carrying someone else's token (login CSRF) signs nobody in.
 */
export function signInUrl() {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  const state = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  sessionStorage.setItem(SIGN_IN_KEY, JSON.stringify({ state, until: Date.now() + SIGN_IN_TTL_MS }));
  return `${authUrl()}/login?state=${state}`;
}

/** Click handler of sign-in links: the state is made when the member signs in, not when the page is drawn. */
export function startSignIn(event) {
  event.preventDefault();
  location.assign(signInUrl());
}

/** The state of the sign-in this tab started, if still pending; used once. */
function takeSignInState() {
  const pending = sessionStorage.getItem(SIGN_IN_KEY);
  sessionStorage.removeItem(SIGN_IN_KEY);
  try {
    const { state, until } = JSON.parse(pending || 'null') || {};
    return state && until > Date.now() ? state : null;
  } catch (e) {
    return null;
  }
}

let refusedSignIn = false;

/** True once after a token arrived that this tab did not ask for (and was ignored). */
export function takeRefusedSignIn() {
  const refused = refusedSignIn;
  refusedSignIn = false;
  return refused;
}

/** Takes a token from #access_token=... (sign-in redirect) or from storage. Returns true when signed in. */
export function restoreSession() {
  const hash = location.hash;
  if (hash.startsWith('#access_token=')) {
    const params = new URLSearchParams(hash.slice(1));
    const value = fromJwt(params.get('access_token') || '');
    history.replaceState(null, '', location.pathname + location.search + '#/');
    const expected = takeSignInState();
    if (value && expected && params.get('state') === expected) setToken(value);
    else refusedSignIn = true;
  }
  if (!token) {
    const stored = localStorage.getItem(TOKEN_KEY);
    const value = stored && fromJwt(stored);
    if (value && value.claims.exp * 1000 > Date.now() + 5000) {
      setToken(value, false);
    } else if (stored) {
      localStorage.removeItem(TOKEN_KEY);
    }
  }
  return !!token;
}

export function session() {
  if (!token) return null;
  const groups = token.claims.groups || [];
  return { userId: token.claims.sub, groups, admin: groups.includes('admin'), expiresAt: token.claims.exp * 1000 };
}

export function onSessionChange(fn) {
  listeners.add(fn);
}

export function forget() {
  setToken(null);
}

/** Renews the token at auth-service; a refusal (signed out elsewhere, account gone) ends the session. */
export function renew() {
  if (!token) return Promise.reject(new ApiError(401, 'Not signed in'));
  if (!renewing) {
    renewing = loadConfig().then(() => fetch(`${authUrl()}/api/v1/auth/token`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token.jwt}` },
    })).then(async (response) => {
      if (!response.ok) {
        setToken(null);
        throw new ApiError(401, 'Your session has ended; please sign in again.');
      }
      const body = await response.json();
      const value = fromJwt(body.accessToken);
      if (!value) throw new ApiError(500, 'auth-service answered without a token');
      setToken(value);
      return value;
    }).finally(() => { renewing = null; });
  }
  return renewing;
}

async function errorOf(response) {
  let body = null;
  let detail = null;
  try {
    body = await response.json();
    detail = body.detail || body.title || null;
  } catch (e) {
    // not JSON
  }
  return new ApiError(response.status, detail || `${response.status} ${response.statusText}`, body);
}

/** Raw authenticated fetch; one renewal and retry on 401. */
export async function authedFetch(url, options = {}, retry = true) {
  if (!token) throw new ApiError(401, 'Not signed in');
  const headers = new Headers(options.headers || {});
  headers.set('Authorization', `Bearer ${token.jwt}`);
  const response = await fetch(url, { ...options, headers });
  if (response.status === 401 && retry) {
    await renew();
    return authedFetch(url, options, false);
  }
  if (response.status === 401) {
    setToken(null);
  }
  return response;
}

/** JSON from api-service; throws ApiError with the problem's detail. */
export async function api(path, options = {}) {
  const response = await authedFetch(path, options);
  if (!response.ok) throw await errorOf(response);
  if (response.status === 204) return null;
  return response.json();
}

/** Fetches a file from api-service and hands it to the browser as a download; returns its size in bytes. */
export async function download(path, filename) {
  const response = await authedFetch(path);
  if (!response.ok) throw await errorOf(response);
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  return blob.size;
}

/** JSON from auth-service (account, sign-out, deletion). */
export async function auth(path, options = {}) {
  await loadConfig();
  const response = await authedFetch(`${authUrl()}${path}`, options);
  if (!response.ok) throw await errorOf(response);
  if (response.status === 204) return null;
  return response.json();
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The bearer token, for an XMLHttpRequest that reports upload progress. */
export function bearer() {
  return token ? `Bearer ${token.jwt}` : null;
}
