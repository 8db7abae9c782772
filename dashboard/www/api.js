// The dashboard's calls to /ui/api: the session cookie goes by itself (HttpOnly, SameSite=Strict);
// the CSRF token lives only in this module's memory and goes with every non-GET request.
let csrf = null;
let onExpired = () => {};

export class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

export function setCsrf(token) { csrf = token; }
export function onSessionExpired(fn) { onExpired = fn; }

export async function call(method, path, body) {
  const headers = {Accept: 'application/json'};
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  let res;
  try {
    res = await fetch(`/ui/api${path}`, {method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body)});
  } catch (e) {
    throw new ApiError(0, 'the node did not answer (is it running?)');
  }
  if (res.status === 204) return null;
  let data = null;
  const text = await res.text();
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) {
    const message = (data && data.error) || `HTTP ${res.status}`;
    if (res.status === 401 && path !== '/session') onExpired(message);
    throw new ApiError(res.status, message);
  }
  return data;
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body || {});
export const del = (path) => call('DELETE', path);
